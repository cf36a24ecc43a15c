/** The one tokeniser of free text, shared by request bounds and the backends. */

/** Lower-cased letter/digit words of a free-text term (the shared tokeniser). */
export function termWords(term: string): string[] {
  return term.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
