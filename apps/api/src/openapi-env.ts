/**
 * Imported first by openapi-document.ts, before the API's modules read the settings: the document
 * needs no database, but `DATABASE_URL` has to parse; a placeholder nothing connects to.
 */
process.env.DATABASE_URL ??= 'postgres://openapi@127.0.0.1:1/openapi';
