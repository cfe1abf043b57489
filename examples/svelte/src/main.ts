import { mount } from 'svelte'
import App from './App.svelte'
import { loadConfig } from './lib/config'
import './app.css'

const target = document.getElementById('app')
if (target === null) throw new Error('index.html has no #app')
mount(App, { target, props: { config: await loadConfig() } })
