export { createHttp } from './client.js'
export type { Http, HttpConfig, HttpMethod, HttpResponse, RequestOptions } from './client.js'
export { errorFromResponse, isRetryableStatus, parseRetryAfter } from './errors.js'
export { API_VERSION, CLIENT_INFO, CLIENT_VERSION, DEFAULT_TIMEOUT_MS } from './constants.js'
