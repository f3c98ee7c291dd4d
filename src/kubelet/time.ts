// Timestamps as the API writes them: RFC 3339 with second precision (metav1.Time).

export function rfc3339(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
