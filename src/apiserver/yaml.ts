// YAML request bodies (application/yaml, apply patches), read as upstream's YAML→JSON step does.
import { decodeYaml } from '../core/index.js';

export function parseYamlBody(text: string): unknown {
  return decodeYaml(text).value;
}
