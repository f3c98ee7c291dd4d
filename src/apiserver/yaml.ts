// YAML request bodies (application/yaml, apply patches).
import { parse } from 'yaml';
import { badRequest } from '../core/index.js';

export function parseYamlBody(text: string): unknown {
  try {
    return parse(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: false });
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}
