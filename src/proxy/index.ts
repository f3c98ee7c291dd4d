// Public surface of the service proxy: kube-proxy's nftables mode for a Berth node.
//   serviceProxy(opts)  a Component-shaped runner (`run(client, signal)`) driven by informers
//   renderRuleset()     the pure Services + EndpointSlices → nft transaction step
//   planServices()      which service ports and endpoints a ruleset programs
export { serviceProxy, type ProxyOptions, type ServiceProxy } from './proxy.js';
export { planServices, renderPlans, renderRuleset, type EndpointAddress, type RenderOptions, type ServicePortPlan } from './render.js';
