// Service validation (upstream ValidateService / ValidateServiceUpdate / status), for a
// single-stack cluster with Kubernetes 1.33 gates.
import type { Service, ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.js';
import { field, type FieldError } from '../../../core/index.js';
import {
  GoValue, PORT_PROTOCOLS, child, index, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP,
  isValidPortNum, nameIsDNS1035Label, validateLabels, validateNonSpecialIP, validateObjectMeta, validateObjectMetaUpdate,
  validatePortNumOrName,
} from '../../../core/validation/index.js';
import { externallyAccessible } from './defaults.js';
import { validateClusterIPFields, validateUpgradeDowngrade } from './validation-ips.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const MAX_CLIENT_IP_TIMEOUT = 86400;

export const isHeadless = (s: ServiceSpec): boolean => (s.clusterIPs ?? []).length === 1 && s.clusterIPs![0] === 'None';

function goServicePortKey(protocol: string, port: number): GoValue {
  return new GoValue(`core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
    'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}');
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(field.required(child(path, 'name'), ''));
  else if (sp.name) {
    errs.push(...isDNS1123Label(sp.name).map((m) => field.invalid(child(path, 'name'), sp.name, m)));
    if (names.has(sp.name)) errs.push(field.duplicate(child(path, 'name'), sp.name));
    else names.add(sp.name);
  }
  errs.push(...isValidPortNum(sp.port).map((m) => field.invalid(child(path, 'port'), sp.port, m)));
  if (!sp.protocol) errs.push(field.required(child(path, 'protocol'), ''));
  else if (!PORT_PROTOCOLS.includes(sp.protocol)) errs.push(field.notSupported(child(path, 'protocol'), sp.protocol, PORT_PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, child(path, 'targetPort')));
  if (sp.appProtocol != null) errs.push(...isQualifiedName(sp.appProtocol).map((m) => field.invalid(child(path, 'appProtocol'), sp.appProtocol, m)));
  return errs;
}

function validateTrafficPolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (!externallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) errs.push(field.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) errs.push(field.required('spec.externalTrafficPolicy', ''));
  else if (spec.externalTrafficPolicy !== 'Cluster' && spec.externalTrafficPolicy !== 'Local') {
    errs.push(field.notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  const needsHC = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  if (!needsHC) {
    if (spec.healthCheckNodePort) {
      errs.push(field.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (!spec.healthCheckNodePort) errs.push(field.required('spec.healthCheckNodePort', ''));
  else errs.push(...isValidPortNum(spec.healthCheckNodePort).map((m) => field.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, m)));
  if (spec.internalTrafficPolicy == null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type ?? '')) errs.push(field.required('spec.internalTrafficPolicy', ''));
  } else if (spec.internalTrafficPolicy !== 'Cluster' && spec.internalTrafficPolicy !== 'Local') {
    errs.push(field.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution != null && spec.trafficDistribution !== 'PreferClose') {
    errs.push(field.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label });
  const spec = svc.spec ?? {};
  const ann = svc.metadata?.annotations ?? {};
  const hints = 'service.kubernetes.io/topology-aware-hints';
  const mode = 'service.kubernetes.io/topology-mode';
  if (mode in ann && hints in ann && ann[mode] !== ann[hints]) {
    errs.push(field.invalid(`metadata.annotations[${mode}]`, ann[mode], `must match annotations[${hints}] when both are specified`));
  }
  const ports = spec.ports ?? [];
  if (!ports.length && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(field.required('spec.ports', ''));
  if (spec.type === 'LoadBalancer' && isHeadless(spec)) errs.push(field.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
  if (spec.type === 'NodePort' && isHeadless(spec)) errs.push(field.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
  if (spec.type === 'ExternalName') {
    if ((spec.clusterIPs ?? []).length) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if ((spec.ipFamilies ?? []).length) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy != null) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => field.invalid('spec.externalName', cname, m)));
    else errs.push(field.required('spec.externalName', ''));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(field.required('spec.sessionAffinity', ''));
  else if (spec.sessionAffinity !== 'ClientIP' && spec.sessionAffinity !== 'None') {
    errs.push(field.notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  }
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const when = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(field.required('spec.sessionAffinityConfig', when));
    else if (!cfg.clientIP) errs.push(field.required('spec.sessionAffinityConfig.clientIP', when));
    else if (cfg.clientIP.timeoutSeconds == null) errs.push(field.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', when));
    else if (cfg.clientIP.timeoutSeconds <= 0 || cfg.clientIP.timeoutSeconds > MAX_CLIENT_IP_TIMEOUT) {
      errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', cfg.clientIP.timeoutSeconds, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`));
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPFields(spec, isHeadless(spec)));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = index('spec.externalIPs', i);
    const ipErrs = isValidIP(p, ip);
    errs.push(...(ipErrs.length ? ipErrs : validateNonSpecialIP(ip, p)));
  });
  if (!spec.type) errs.push(field.required('spec.type', ''));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(field.notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => { if (p.nodePort) errs.push(field.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'")); });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const k = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(k)) errs.push(field.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(k);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${p.protocol ?? ''}/${p.port}`;
    if (portKeys.has(k)) errs.push(field.duplicate(`spec.ports[${i}]`, goServicePortKey(p.protocol ?? '', p.port)));
    portKeys.add(k);
  });
  if ((spec.loadBalancerSourceRanges ?? []).length) {
    const p = 'spec.LoadBalancerSourceRanges';
    if (spec.type !== 'LoadBalancer') errs.push(field.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    spec.loadBalancerSourceRanges!.forEach((r, i) => errs.push(...isValidCIDR(index(p, i), r.trim())));
  } else if ('service.beta.kubernetes.io/load-balancer-source-ranges' in ann) {
    const p = 'metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]';
    if (spec.type !== 'LoadBalancer') errs.push(field.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = ann['service.beta.kubernetes.io/load-balancer-source-ranges'].trim();
    if (val) for (const r of val.split(',')) errs.push(...isValidCIDR(p, r.trim()));
  }
  if (spec.allocateLoadBalancerNodePorts != null && spec.type !== 'LoadBalancer') {
    errs.push(field.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) errs.push(field.required('allocateLoadBalancerNodePorts', ''));
  if (spec.type === 'LoadBalancer') {
    if (spec.loadBalancerClass != null) errs.push(...isQualifiedName(spec.loadBalancerClass).map((m) => field.invalid('spec.loadBalancerClass', spec.loadBalancerClass, m)));
  } else if (spec.loadBalancerClass != null) {
    errs.push(field.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return [...errs, ...validateTrafficPolicies(spec)];
}

export function validateServiceUpdate(next: Service, prev: Service): FieldError[] {
  const ns = next.spec ?? {};
  const ps = prev.spec ?? {};
  const errs = [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateUpgradeDowngrade(ns, ps, isHeadless)];
  if (ps.type === 'LoadBalancer' && ns.type === 'LoadBalancer' && (ns.loadBalancerClass ?? null) !== (ps.loadBalancerClass ?? null)) {
    errs.push(field.invalid('spec.loadBalancerClass', ns.loadBalancerClass ?? null, 'may not change once set'));
  }
  const hc = (s: ServiceSpec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (hc(ps) && hc(ns) && ns.healthCheckNodePort !== ps.healthCheckNodePort) errs.push(field.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  return [...errs, ...validateService(next)];
}

export function validateServiceStatusUpdate(next: Service, prev: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  const ingress = next.status?.loadBalancer?.ingress ?? [];
  if (next.spec?.type !== 'LoadBalancer' && ingress.length) {
    return [...errs, field.forbidden('status.loadBalancer.ingress', "may only be used when `spec.type` is 'LoadBalancer'")];
  }
  ingress.forEach((ing, i) => {
    const p = index('status.loadBalancer.ingress', i);
    if (ing.ip) errs.push(...isValidIP(child(p, 'ip'), ing.ip));
    if (!ing.ipMode) { if (ing.ip) errs.push(field.required(child(p, 'ipMode'), 'must be specified when `ip` is set')); }
    else if (!ing.ip) errs.push(field.forbidden(child(p, 'ipMode'), 'may not be specified when `ip` is not set'));
    else if (ing.ipMode !== 'VIP' && ing.ipMode !== 'Proxy') errs.push(field.notSupported(child(p, 'ipMode'), ing.ipMode, ['Proxy', 'VIP']));
    if (ing.hostname) {
      errs.push(...isDNS1123Subdomain(ing.hostname).map((m) => field.invalid(child(p, 'hostname'), ing.hostname, m)));
      if (isValidIP('', ing.hostname).length === 0) errs.push(field.invalid(child(p, 'hostname'), ing.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
