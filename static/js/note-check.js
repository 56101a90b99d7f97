// The note check the server makes (pact_feedback/diary/validation.py), run in the browser
// before a task is kept on the device offline, so a note with an NHS number or a date of birth
// never waits in the queue. The date patterns come from the server (the form's
// data-note-rules), so there is one list of them; the server stays the authority.

/** Ten digits whose Modulus 11 check digit is right (a check digit of 10 is never valid). */
export function isValidNhsNumber(digits) {
  if (!/^\d{10}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < 9; i += 1) total += Number(digits[i]) * (10 - i);
  let check = 11 - (total % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(digits[9]);
}

/** Whether `text` holds a valid NHS number, with or without spaces or hyphens. */
export function hasNhsNumber(text) {
  const candidates = (text || "").matchAll(/(?<!\d)(?:\d[ -]?){9}\d(?!\d)/g);
  for (const match of candidates) {
    if (isValidNhsNumber(match[0].replace(/\D/g, ""))) return true;
  }
  return false;
}

/** The messages the server would give for this note (an empty list when it is fine). */
export function noteErrors(note, rules) {
  if (!note || !rules) return [];
  const errors = [];
  if (hasNhsNumber(note)) errors.push(rules.nhs_message);
  const patterns = rules.patterns.map(({ source, flags }) => new RegExp(source, flags));
  if (patterns.some((pattern) => pattern.test(note))) errors.push(rules.dob_message);
  return errors;
}
