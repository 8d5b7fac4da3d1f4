/** A whole number as typed in a flag, an input or a variable: digits only (`'007'` is 7); `undefined` when it is not one. */
export function parseWholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
