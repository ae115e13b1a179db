/**
 * Browser: where the page's web interface is mounted, from `<meta name="jpp-base">`
 * (layout.ts). '' at the root; `/p/<platform>` when one broker process serves several
 * platforms. Every fetch of the browser code goes through it.
 */
export function localUrl(path: string): string {
  return `${document.querySelector<HTMLMetaElement>('meta[name="jpp-base"]')?.content ?? ''}${path}`;
}
