/** Types of the Node-API RIO core (src/napi_binding.cpp). */
export type CorePoint = [number, number];
export type CoreQuad = [CorePoint, CorePoint, CorePoint, CorePoint];
export interface CoreError { code: 'BAD_MODEL_OUTPUT' | 'BAD_ARGUMENT' | 'INTERNAL'; message: string }
export interface CoreParams {
  score_threshold?: number; nms_iou?: number; mask_threshold?: number; corner_threshold?: number; max_detections?: number;
  input_width?: number; input_height?: number;
}
export interface DetectOptions {
  heat: Float32Array; heatShape: number[];
  corners: Float32Array; cornersShape: number[];
  mask: Float32Array; maskShape: number[];
  /** the orientation output [1,H,W,2]; absent for a model without it (quads keep the regression's corner order) */
  orient?: Float32Array; orientShape?: number[];
  frameWidth: number; frameHeight: number;
  params?: CoreParams;
}
export interface CoreDetection { quad: CoreQuad; score: number; fromMask: boolean }
export function detect(o: DetectOptions): { detections: CoreDetection[]; error?: undefined } | { error: CoreError };
export interface CropOptions { pixels: Uint8Array; width: number; height: number; channels: number; quad: readonly (readonly [number, number])[]; maxSide?: number;
  /** camera field of view across the frame's longer side, degrees; 0 or absent = unknown (estimated from the quad) */
  fovDeg?: number }
export function crop(o: CropOptions): { pixels: Buffer; width: number; height: number; channels: number; error?: undefined } | { error: CoreError };
export interface PreprocessOptions { pixels: Uint8Array; width: number; height: number; channels: 3 | 4; outWidth: number; outHeight: number }
export function preprocess(o: PreprocessOptions): { input: Float32Array; error?: undefined } | { error: CoreError };
export interface QuarterTurnCropOptions { pixels: Uint8Array; width: number; height: number; channels: 3 | 4; quad: readonly (readonly [number, number])[] }
/** The quarter-turn classifier's input for one detection: RGB /255 NHWC, side x side (rio::quarterTurnCrop). */
export function quarterTurnCrop(o: QuarterTurnCropOptions): { crop: Float32Array; side: number; error?: undefined } | { error: CoreError };
export interface TurnUprightOptions {
  quad: readonly (readonly [number, number])[];
  /** the classifier's 4 logits, or 5: the fifth says the crop is not one card */
  logits: Float32Array;
  /** in (0, 1]: reject when the fifth class's softmax probability is at least this; absent or 1: never */
  rejectThreshold?: number;
}
/**
 * The quad rolled back by the argmax of the first 4 logits (`turns`): corner 0 the card's own top-left
 * (rio::turnUpright); `noCard` the fifth class's softmax probability (0 with 4 logits), `rejected` the verdict.
 */
export function turnUpright(o: TurnUprightOptions): { quad: CoreQuad; turns: number; rejected: boolean; noCard: number; error?: undefined } | { error: CoreError };
/** The calling thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID, as Android's Debug.threadCpuTimeNanos()); undefined if the OS has no such clock. */
export function threadCpuNs(): number | undefined;
