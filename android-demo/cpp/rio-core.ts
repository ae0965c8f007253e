/**
 * The Node-API build of the C++ core, loaded for the host twin and tests, with the postprocess
 * parameters of contract/model-io.json applied.
 */
import { createRequire } from 'node:module';
import modelIo from '../contract/model-io.json' with { type: 'json' };
import type * as Core from './index.d.ts';

const core = createRequire(import.meta.url)('./index.cjs') as typeof Core;

export type { CoreDetection, CoreError, DetectOptions, CropOptions } from './index.d.ts';

/** Postprocess parameters from the model contract, in the core's names. */
export const contractParams: Core.CoreParams = {
  ...modelIo.postprocess,
  input_width: modelIo.input.shape[2],
  input_height: modelIo.input.shape[1],
};

/** Model outputs -> detections (or an error for bad outputs: NaN, wrong shape). */
export function detect(o: Omit<Core.DetectOptions, 'params'> & { params?: Core.CoreParams }): ReturnType<typeof Core.detect> {
  return core.detect({ ...o, params: { ...contractParams, ...o.params } });
}

/** Perspective crop of a quad from raw pixels. */
export const crop = core.crop;
