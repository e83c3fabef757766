import { dirname, join } from 'node:path';
import { definePDFJSModule, extractText, getDocumentProxy } from 'unpdf';

let pdfjs: Promise<void> | undefined;

/**
 * The text of each page of a PDF (unpdf: pdf.js without a canvas). unpdf loads its pdf.js bundle
 * by a dynamic import, which Jest's VM refuses without --experimental-vm-modules: the bundle is
 * handed to it as a module Jest transforms (unpdf is ESM, in jest.config's transformed packages).
 */
export async function pdfPageTexts(pdf: Uint8Array): Promise<string[]> {
  pdfjs ??= definePDFJSModule(async () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(join(dirname(require.resolve('unpdf')), 'pdfjs.mjs')),
  );
  await pdfjs;
  const document = await getDocumentProxy(new Uint8Array(pdf));
  return (await extractText(document, { mergePages: false })).text;
}
