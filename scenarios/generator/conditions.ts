/**
 * Named lighting and capture conditions. A condition is a set of parameters for the capture
 * pipeline (scene light → optics → sensor → ISP → JPEG, see capture.ts). A parameter is a number,
 * a ramp [from, to] over the frames of its lighting segment, or {uniform: [a, b]} drawn once per
 * scenario from its seed. Scripts may override any parameter.
 */
export type ParamValue = number | [number, number] | { uniform: [number, number] };

/** Every parameter of the capture pipeline, with its neutral (daylight) value. */
export const PARAM_DEFAULTS = {
  /** Scene illuminance relative to overcast daylight. */
  light: 1,
  /** Colour temperature of the main light, kelvin. */
  cct: 5600,
  /** Green (+) / magenta (−) tint of the light, as fluorescent tubes have. */
  tint: 0,
  /** Second light's colour temperature for mixed lighting; 0 = single light. */
  mix_cct: 0,
  /** Direction (degrees) along which the light goes from `cct` to `mix_cct`. */
  mix_angle: 0,
  /** Radiance of a bright window behind the scene (backlight), relative to the scene light. */
  backlight: 0,
  /** Side of the frame (degrees, 270 = top) where the bright window is. */
  backlight_angle: 270,
  /** Veiling glare (lens flare haze) as a fraction of the backlight. */
  flare: 0,
  /** Peak of a specular highlight on the card (scaled by its gloss: matte cards show 20%). */
  glare: 0,
  glare_x: 0.5,
  glare_y: 0.4,
  /** Highlight radius as a fraction of the card width. */
  glare_radius: 0.18,
  /** Depth of a hard shadow (0 none … 1 black) across the card, e.g. the phone's own. */
  shadow: 0,
  shadow_angle: 30,
  /** Where the shadow edge passes, as a fraction of the card width from its centre. */
  shadow_offset: 0,
  /** Width of the shadow penumbra, pixels. */
  shadow_soft: 2,
  /** Lens vignetting at the frame corners (fraction of light lost). */
  vignette: 0.15,
  /** Motion blur length in pixels and direction in degrees. */
  motion_px: 0,
  motion_angle: 0,
  /** Defocus blur radius, pixels. */
  defocus_px: 0,
  /** Exposure the camera chose (shutter × aperture), relative. */
  exposure: 0.8,
  /** Sensor analog gain (ISO / 100): amplifies signal and noise alike. */
  gain: 1,
  /** Electrons a pixel holds at base gain (fewer = more shot noise). */
  full_well: 6000,
  /** Read noise, electrons. */
  read_noise: 2,
  /** Fraction of the light's colour cast the auto white balance removes. */
  awb: 0.95,
  /** Tone curve S-shape strength. */
  contrast: 0.15,
  jpeg_quality: 90,
};
export type ParamName = keyof typeof PARAM_DEFAULTS;
export type LightingParams = Record<ParamName, number>;

export interface Condition {
  description: string;
  params: Partial<Record<ParamName, ParamValue>>;
}

export const CONDITIONS: Record<string, Condition> = {
  daylight: { description: 'Reference: soft daylight, well exposed', params: {} },
  dim_indoor: { description: 'Dim room: little light, the camera raises gain', params: { light: 0.16, cct: 3800, gain: 2.4, exposure: 1.2, awb: 0.85 } },
  night: { description: 'Night / low light: high gain, shot and read noise, slow shutter', params: { light: 0.025, cct: 3200, gain: 14, exposure: 1.4, read_noise: 5, awb: 0.75, motion_px: 2, motion_angle: { uniform: [0, 180] } } },
  backlit: { description: 'Bright window behind the scene: subject underexposed, flare haze', params: { light: 0.4, backlight: 6, flare: 0.04, backlight_angle: { uniform: [200, 340] } } },
  glare: { description: 'Specular highlight on the card (glossy cards saturate)', params: { glare: 2.2, glare_x: { uniform: [0.2, 0.8] }, glare_y: { uniform: [0.2, 0.8] }, glare_radius: { uniform: [0.08, 0.2] } } },
  hard_shadow: { description: 'Hard shadow (the phone\'s own) across the card', params: { shadow: 0.75, shadow_angle: { uniform: [0, 180] }, shadow_offset: { uniform: [-0.3, 0.3] }, shadow_soft: 3 } },
  tungsten: { description: 'Warm tungsten bulb ~2700 K, white balance only partly corrects', params: { light: 0.35, cct: 2700, gain: 2, awb: 0.55 } },
  fluorescent: { description: 'Cool fluorescent ~6500 K with a green tint', params: { light: 0.6, cct: 6500, tint: 0.12, awb: 0.5, gain: 1.4 } },
  mixed: { description: 'Mixed light: warm bulb on one side, cool window on the other', params: { cct: 2700, mix_cct: 7500, mix_angle: { uniform: [0, 360] }, awb: 0.6, light: 0.6, gain: 1.5 } },
  overexposed: { description: 'Over-exposed: highlights clip, white card merges', params: { exposure: 2.6 } },
  motion_blur: { description: 'Hand motion during the exposure', params: { motion_px: { uniform: [10, 24] }, motion_angle: { uniform: [0, 180] }, light: 0.6, gain: 1.6 } },
  defocus: { description: 'Out of focus (too close, autofocus hunting)', params: { defocus_px: { uniform: [4, 9] } } },
  jpeg_sweep: { description: 'JPEG quality swept from 95 down to 12 over the segment', params: { jpeg_quality: [95, 12] } },
};
export const CONDITION_NAMES = Object.keys(CONDITIONS);
export const PARAM_NAMES = Object.keys(PARAM_DEFAULTS) as ParamName[];
