// A local Helm chart for the Helm tests, written to disk by the test (no repository, no network):
// a headless Service and a StatefulSet with a volumeClaimTemplate; values choose the replica
// count and the image. Also the Helm runner: the official binary with a private HOME and XDG
// directories (so nothing leaks into or out of the user's Helm config) and an explicit kubeconfig.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmPath, runProcess, type KubectlVersion, type RunResult } from '../../src/testing/index.js';

const CHART_YAML = `apiVersion: v2
name: web
description: A headless Service and a StatefulSet with one claim per pod
type: application
version: 0.1.0
appVersion: "1.25"
`;

const VALUES_YAML = `replicas: 2
image: nginx:1.25
storage: 1Gi
`;

const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
    - name: http
      port: 80
`;

const STATEFULSET_YAML = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  serviceName: {{ .Release.Name }}
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image | quote }}
          ports:
            - name: http
              containerPort: 80
          volumeMounts:
            - name: www
              mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
    - metadata:
        name: www
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: {{ .Values.storage }}
`;

/** Writes the chart under `dir` and returns its path. */
export function writeWebChart(dir: string): string {
  const chart = join(dir, 'web-chart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), CHART_YAML);
  writeFileSync(join(chart, 'values.yaml'), VALUES_YAML);
  writeFileSync(join(chart, 'templates', 'service.yaml'), SERVICE_YAML);
  writeFileSync(join(chart, 'templates', 'statefulset.yaml'), STATEFULSET_YAML);
  writeFileSync(join(chart, 'templates', 'NOTES.txt'), 'web {{ .Values.image }} x{{ .Values.replicas }}\n');
  return chart;
}

export type Helm = (args: readonly string[]) => Promise<RunResult>;

/** The Helm shipped beside kubectl `version`, bound to one kubeconfig, with every Helm dir under `home`. */
export function helmFor(version: KubectlVersion, kubeconfig: string, home: string): Helm {
  const bin = helmPath(version);
  const env = {
    PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  return (args) => runProcess(bin, [...args, '--kubeconfig', kubeconfig], { env, timeoutMs: 120_000 });
}
