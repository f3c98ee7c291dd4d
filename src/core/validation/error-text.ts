// fieldErrorMessage with Go-spelt bad values (GoValue) printed verbatim, as upstream prints
// maps, slices and structs with %#v. Reference for the error renderer; used by tests.
import { fieldErrorMessage, renderValue, type FieldError } from '../errors.js';
import { GoValue } from './govalue.js';

export function fieldErrorText(e: FieldError): string {
  const text = fieldErrorMessage(e);
  if (!(e.badValue instanceof GoValue)) return text;
  return text.replace(renderValue(e.badValue), e.badValue.repr);
}
