export { alloyConfig, type AlloyTargets } from './alloy-config.js';
export { composeStackFiles, generatePassword, type ComposeOptions } from './compose-stack.js';
export { IMAGES, PORTS } from './images.js';
export { kubernetesStackFiles } from './kubernetes-stack.js';
export { K8S } from './kubernetes-values.js';
