// markdown-it ships no types; the build uses its constructor and `render` only.
declare module 'markdown-it' {
  export default class MarkdownIt {
    constructor(options?: { html?: boolean; linkify?: boolean; typographer?: boolean });
    render(src: string): string;
  }
}
