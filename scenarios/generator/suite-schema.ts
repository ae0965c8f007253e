/** JSON schema of a suite script (scenarios/suites/*.yaml). README.md documents each field. */
import { BACKGROUNDS } from './backgrounds.ts';
import { CARD_FINISHES, CARD_LAYOUTS, CARD_SCRIPTS, CARD_SIZES, CARD_STYLES } from './card-design.ts';
import { CONDITION_NAMES, PARAM_NAMES } from './conditions.ts';
import { TRAIN_SEED_BASE } from './scenario-spec.ts';

const ramp = (min: number, max: number) => ({
  oneOf: [
    { type: 'number', minimum: min, maximum: max },
    { type: 'array', items: { type: 'number', minimum: min, maximum: max }, minItems: 2, maxItems: 2 },
  ],
});
const paramValue = {
  oneOf: [
    { type: 'number' },
    { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    { type: 'object', properties: { uniform: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } }, required: ['uniform'], additionalProperties: false },
  ],
};
const params = { type: 'object', propertyNames: { enum: PARAM_NAMES }, additionalProperties: paramValue };
const condition = { enum: CONDITION_NAMES };
const design = {
  oneOf: [
    { const: 'random' },
    {
      type: 'object', additionalProperties: false,
      properties: {
        style: { enum: CARD_STYLES }, finish: { enum: CARD_FINISHES }, script: { enum: CARD_SCRIPTS },
        layout: { enum: CARD_LAYOUTS }, size: { enum: CARD_SIZES }, logo: { type: 'boolean' }, seed: { type: 'integer', minimum: 0 },
      },
    },
  ],
};
const card = {
  type: 'object', additionalProperties: false,
  properties: {
    design,
    offset: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    rotation: { type: 'number' },
  },
};
const scenarioProps = {
  id: { type: 'string', pattern: '^[A-Za-z0-9_{}.-]+$' },
  seed: { type: 'integer', minimum: 0, maximum: TRAIN_SEED_BASE - 1 },
  frames: { type: 'integer', minimum: 1, maximum: 100000 },
  fps: { type: 'number', exclusiveMinimum: 0, maximum: 240 },
  resolution: {
    type: 'array', minItems: 2, maxItems: 2,
    items: { type: 'integer', minimum: 64, maximum: 4096 },
  },
  background: { enum: [...BACKGROUNDS] },
  cards: { type: 'array', items: card, maxItems: 2 },
  camera: {
    type: 'object', additionalProperties: false,
    properties: {
      fill: ramp(0.05, 2), tilt: ramp(0, 45), tilt_axis: { type: 'number' }, roll: ramp(-360, 360),
      jitter: { type: 'number', minimum: 0, maximum: 200 },
      position: { type: 'array', minItems: 2, maxItems: 2, items: ramp(-1, 2) },
      enter: {
        type: 'object', additionalProperties: false, required: ['from', 'frames'],
        properties: { from: { enum: ['left', 'right', 'top', 'bottom'] }, frames: { type: 'integer', minimum: 1 } },
      },
    },
  },
  finger: {
    oneOf: [
      { type: 'boolean' },
      { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: { type: 'integer', minimum: 0 }, to: { type: 'integer', minimum: 0 } } },
    ],
  },
  negative_frames: { type: 'array', items: { type: 'integer', minimum: 0 } },
  lighting: {
    oneOf: [
      condition,
      {
        type: 'array', minItems: 1,
        items: {
          type: 'object', additionalProperties: false, required: ['condition'],
          properties: { at: { type: 'integer', minimum: 0 }, condition, params },
        },
      },
    ],
  },
  params,
  matrix: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: {
      condition: { type: 'array', items: condition, minItems: 1 },
      background: { type: 'array', items: { enum: [...BACKGROUNDS] }, minItems: 1 },
      resolution: { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 }, minItems: 1 },
    },
  },
};

export const SUITE_SCHEMA = {
  type: 'object', additionalProperties: false, required: ['suite', 'scenarios'],
  properties: {
    suite: { type: 'string', pattern: '^[a-z0-9_-]+$' },
    description: { type: 'string' },
    defaults: { type: 'object', additionalProperties: false, properties: scenarioProps },
    scenarios: {
      type: 'array', minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['id'], properties: scenarioProps },
    },
  },
};
