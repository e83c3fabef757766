/**
 * Hands a file to the browser's downloads: an object URL (in memory) clicked through a link with
 * `download`, revoked at once. Nothing is stored by the console; the file name carries no
 * personal data (a case reference or a date only).
 */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
