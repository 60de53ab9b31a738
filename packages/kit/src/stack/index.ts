export { type AlloyTargets, alloyConfig } from './alloy-config.js';
export { type ComposeOptions, composeStackFiles, generatePassword } from './compose-stack.js';
export { IMAGES, PORTS } from './images.js';
export { kubernetesStackFiles } from './kubernetes-stack.js';
export { K8S } from './kubernetes-values.js';
