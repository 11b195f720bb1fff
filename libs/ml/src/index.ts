// Numerics shared by the task libraries: bulk random numbers, exact samplers, special functions,
// dense linear algebra and the VFT1 tensor artifact format.
export { Xoshiro128, NormalSource, fillNormal, zigguratTables } from './normal-fill.js';
export { RandomStream, binomial, gamma, chiSquare, wishartIdentity } from './samplers.js';
export { erf, erfc, normalPdf, normalCdf, normalQuantile, bivariateNormalCdf } from './special-functions.js';
export {
  syrkAccumulate,
  syrkWeightedAccumulate,
  symmetrizeFromUpper,
  dot,
  gemv,
  gemvT,
  addToDiagonal,
  choleskyInPlace,
  choleskySubstituteInPlace,
  choleskySolveInPlace,
  choleskySolve,
  householder,
  reflectVector,
  reflectSymmetric,
} from './linalg.js';
export { encodeTensor, decodeTensor, writeTensorFile, readTensorFile, dtypeOf } from './tensor-file.js';
export type { Tensor, TensorData, TensorDtype } from './tensor-file.js';
