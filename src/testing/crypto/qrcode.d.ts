// Minimal typing for the one `qrcode` call this server makes (the package ships no types).
declare module 'qrcode' {
  const QRCode: {
    create(text: string, options: { errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H' }): {
      modules: { size: number; get(row: number, col: number): number | boolean }
    }
  }
  export default QRCode
}
