"""Writes one tiny ONNX graph per converter feature into the folder given as argv[1].

Used by convert.spec.ts: each graph is converted to .tflite and run in onnxruntime-node and
LiteRT.js on the same random input. Built with onnx.helper so no exporter quirks hide a bug.
Every graph has one float input `x` [1, C, H, W] and one output `y`.
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

rng = np.random.default_rng(7)
OUT = sys.argv[1]
C, H, W = 4, 12, 10


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def weights(*shape):
    return (rng.standard_normal(shape) * 0.3).astype(np.float32)


def save(name, nodes, inits, out_shape, in_shape=(1, C, H, W), opset=13):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, list(in_shape))],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, list(out_shape))],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, f'{OUT}/{name}.onnx')


def conv_graph(name, cout, k, stride=1, pad=0, group=1, dilation=1, extra=None, out_hw=None, bias=True):
    inits = [const('w', weights(cout, C // group, k, k))]
    inputs = ['x', 'w']
    if bias:
        inits.append(const('b', weights(cout)))
        inputs.append('b')
    last = 'y' if extra is None else 'c'
    nodes = [helper.make_node('Conv', inputs, [last], name='conv', kernel_shape=[k, k], strides=[stride, stride],
                              pads=[pad] * 4, group=group, dilations=[dilation, dilation])]
    if extra is not None:
        extra_nodes, extra_inits = extra
        nodes += extra_nodes
        inits += extra_inits
    oh = (H + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    ow = (W + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    save(name, nodes, inits, (1, cout, oh, ow) if out_hw is None else out_hw)


# Convolutions
conv_graph('conv_same', 6, 3, pad=1)
conv_graph('conv_stride2_symmetric_pad', 6, 3, stride=2, pad=1)
conv_graph('conv_valid_nobias', 5, 3, bias=False)
conv_graph('conv_dilated', 4, 3, pad=2, dilation=2)
conv_graph('conv_depthwise', 8, 3, pad=1, group=C)
conv_graph('conv_depthwise_stride2', 4, 3, stride=2, pad=1, group=C)
conv_graph('conv_grouped', 6, 3, pad=1, group=2)
conv_graph('conv_relu_fused', 6, 3, pad=1, extra=([helper.make_node('Relu', ['c'], ['y'], name='relu')], []))
conv_graph('conv_relu6_fused', 6, 3, pad=1,
           extra=([helper.make_node('Clip', ['c', 'lo', 'hi'], ['y'], name='relu6')], [const('lo', np.float32(0)), const('hi', np.float32(6))]))

# Conv + BatchNormalization (folded) and stand-alone BatchNormalization
bn_params = [const('gamma', weights(6) + 1), const('beta', weights(6)), const('mean', weights(6)), const('var', np.abs(weights(6)) + 0.5)]
conv_graph('conv_batchnorm_folded', 6, 3, pad=1, extra=([helper.make_node('BatchNormalization', ['c', 'gamma', 'beta', 'mean', 'var'], ['y'], name='bn', epsilon=1e-3)], bn_params))
save('batchnorm', [helper.make_node('BatchNormalization', ['x', 'g', 'be', 'm', 'v'], ['y'], name='bn')],
     [const('g', weights(C) + 1), const('be', weights(C)), const('m', weights(C)), const('v', np.abs(weights(C)) + 0.5)], (1, C, H, W))


# ConvTranspose
def deconv(name, k, stride, pad, out_pad=0):
    oh = (H - 1) * stride + k - 2 * pad + out_pad
    ow = (W - 1) * stride + k - 2 * pad + out_pad
    save(name, [helper.make_node('ConvTranspose', ['x', 'w', 'b'], ['y'], name='deconv', kernel_shape=[k, k], strides=[stride, stride],
                                 pads=[pad] * 4, output_padding=[out_pad, out_pad])],
         [const('w', weights(C, 3, k, k)), const('b', weights(3))], (1, 3, oh, ow))


deconv('convtranspose_k4_s2_p1', 4, 2, 1)
deconv('convtranspose_k2_s2_valid', 2, 2, 0)
deconv('convtranspose_k3_s1_p1', 3, 1, 1)


# Activations: on the raw NCHW input (plain layout) and after a conv (NHWC-stored)
def activation(name, node_factory, inits=(), opset=13):
    save(f'{name}_plain', [node_factory('x', 'y')], list(inits), (1, C, H, W), opset=opset)
    conv_graph(f'{name}_after_conv', C, 1, extra=([node_factory('c', 'y')], list(inits)))
    if opset != 13:
        pass


activation('relu', lambda i, o: helper.make_node('Relu', [i], [o], name='act'))
activation('sigmoid', lambda i, o: helper.make_node('Sigmoid', [i], [o], name='act'))
activation('leakyrelu', lambda i, o: helper.make_node('LeakyRelu', [i], [o], name='act', alpha=0.1))
activation('hardsigmoid', lambda i, o: helper.make_node('HardSigmoid', [i], [o], name='act', alpha=1 / 6, beta=0.5))
activation('clip_relu6', lambda i, o: helper.make_node('Clip', [i, 'lo', 'hi'], [o], name='act'), [const('lo', np.float32(0)), const('hi', np.float32(6))])
activation('clip_range', lambda i, o: helper.make_node('Clip', [i, 'lo', 'hi'], [o], name='act'), [const('lo', np.float32(-0.3)), const('hi', np.float32(0.4))])
save('hardswish', [helper.make_node('HardSwish', ['x'], ['y'], name='act')], [], (1, C, H, W), opset=14)

# Binary ops with broadcasting constants and between two activations
for op in ['Add', 'Sub', 'Mul', 'Div']:
    k = np.abs(weights(C, 1, 1)) + 0.5
    save(f'{op.lower()}_channel_constant', [helper.make_node(op, ['x', 'k'], ['y'], name='bin')], [const('k', k)], (1, C, H, W))
    conv_graph(f'{op.lower()}_after_conv_channel_constant', C, 1, extra=([helper.make_node(op, ['c', 'k'], ['y'], name='bin')], [const('k', k)]))
    div_nodes = [helper.make_node('Sigmoid', ['c'], ['s']), helper.make_node('Add', ['s', 'one'], ['d'])] if op == 'Div' else []
    conv_graph(f'{op.lower()}_conv_and_input', C, 3, pad=1,
               extra=(div_nodes + [helper.make_node(op, ['x', 'd'] if op == 'Div' else ['c', 'x'], ['y'], name='bin')],
                      [const('one', np.float32(1))] if op == 'Div' else []))
save('mul_scalar', [helper.make_node('Mul', ['x', 'k'], ['y'], name='bin')], [const('k', np.float32(2.5))], (1, C, H, W))

# Pooling
save('maxpool_k3_s2_p1', [helper.make_node('MaxPool', ['x'], ['y'], name='pool', kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])], [], (1, C, 6, 5))
save('maxpool_k2_s2', [helper.make_node('MaxPool', ['x'], ['y'], name='pool', kernel_shape=[2, 2], strides=[2, 2])], [], (1, C, 6, 5))
save('averagepool_k3_s1_p1_exclude_pad', [helper.make_node('AveragePool', ['x'], ['y'], name='pool', kernel_shape=[3, 3], pads=[1, 1, 1, 1])], [], (1, C, H, W))
save('averagepool_k3_s1_p1_include_pad', [helper.make_node('AveragePool', ['x'], ['y'], name='pool', kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)], [], (1, C, H, W))
save('averagepool_k2_s2', [helper.make_node('AveragePool', ['x'], ['y'], name='pool', kernel_shape=[2, 2], strides=[2, 2])], [], (1, C, 6, 5))
save('globalaveragepool', [helper.make_node('GlobalAveragePool', ['x'], ['y'], name='gap')], [], (1, C, 1, 1))

# Resize
empty = const('roi', np.zeros(0, np.float32))
save('resize_nearest_x2', [helper.make_node('Resize', ['x', 'roi', 'scales'], ['y'], name='resize', mode='nearest',
                                            coordinate_transformation_mode='asymmetric', nearest_mode='floor')],
     [empty, const('scales', np.array([1, 1, 2, 2], np.float32))], (1, C, 2 * H, 2 * W))
save('resize_linear_half_pixel_x2', [helper.make_node('Resize', ['x', 'roi', 'scales'], ['y'], name='resize', mode='linear',
                                                      coordinate_transformation_mode='half_pixel')],
     [empty, const('scales', np.array([1, 1, 2, 2], np.float32))], (1, C, 2 * H, 2 * W))
save('resize_linear_pytorch_half_pixel_sizes', [helper.make_node('Resize', ['x', 'roi', '', 'sizes'], ['y'], name='resize', mode='linear',
                                                                 coordinate_transformation_mode='pytorch_half_pixel')],
     [empty, const('sizes', np.array([1, C, 17, 23], np.int64))], (1, C, 17, 23))
save('resize_linear_align_corners', [helper.make_node('Resize', ['x', 'roi', '', 'sizes'], ['y'], name='resize', mode='linear',
                                                      coordinate_transformation_mode='align_corners')],
     [empty, const('sizes', np.array([1, C, 24, 19], np.int64))], (1, C, 24, 19))

# Concat, Pad, Transpose, Reshape, Flatten
conv_graph('concat_channels', 3, 3, pad=1, out_hw=(1, 3 + C, H, W), extra=([helper.make_node('Concat', ['c', 'x'], ['y'], name='concat', axis=1)], []))
save('concat_width_plain', [helper.make_node('Concat', ['x', 'x'], ['y'], name='concat', axis=3)], [], (1, C, H, 2 * W))
save('pad_constant', [helper.make_node('Pad', ['x', 'pads'], ['y'], name='pad')], [const('pads', np.array([0, 0, 1, 2, 0, 0, 3, 1], np.int64))], (1, C, H + 4, W + 3))
conv_graph('pad_constant_value_after_conv', C, 1, out_hw=(1, C, H + 2, W + 2),
           extra=([helper.make_node('Pad', ['c', 'pads', 'v'], ['y'], name='pad')], [const('pads', np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), const('v', np.float32(0.5))]))
save('pad_reflect', [helper.make_node('Pad', ['x', 'pads'], ['y'], name='pad', mode='reflect')], [const('pads', np.array([0, 0, 2, 1, 0, 0, 1, 2], np.int64))], (1, C, H + 3, W + 3))
conv_graph('transpose_to_nhwc_after_conv', 5, 3, pad=1, out_hw=(1, H, W, 5), extra=([helper.make_node('Transpose', ['c'], ['y'], name='t', perm=[0, 2, 3, 1])], []))
save('transpose_nhwc_input', [helper.make_node('Transpose', ['x'], ['t'], name='t', perm=[0, 3, 1, 2]),
                              helper.make_node('Conv', ['t', 'w'], ['y'], name='conv', kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
     [const('w', weights(3, W, 3, 3))], (1, 3, C, H), in_shape=(1, C, H, W))
save('transpose_plain', [helper.make_node('Transpose', ['x'], ['y'], name='t', perm=[0, 2, 1, 3])], [], (1, H, C, W))
conv_graph('flatten_after_conv', 3, 3, pad=1, out_hw=(1, 3 * H * W), extra=([helper.make_node('Flatten', ['c'], ['y'], name='flat', axis=1)], []))
conv_graph('reshape_after_conv', 3, 3, pad=1, out_hw=(1, 3, H * W), extra=([helper.make_node('Reshape', ['c', 'shape'], ['y'], name='reshape')], [const('shape', np.array([0, 3, -1], np.int64))]))

# A small net in the shape of ours: stride-2 convs, upsample, skip concat, three heads
nodes = [
    helper.make_node('Conv', ['x', 'w1', 'b1'], ['c1'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node('Relu', ['c1'], ['r1']),
    helper.make_node('Conv', ['r1', 'w2', 'b2'], ['c2'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node('Relu', ['c2'], ['r2']),
    helper.make_node('Resize', ['r2', 'roi', 'scales'], ['u'], mode='linear', coordinate_transformation_mode='half_pixel'),
    helper.make_node('Concat', ['u', 'r1'], ['cat'], axis=1),
    helper.make_node('Conv', ['cat', 'w3', 'b3'], ['c3'], kernel_shape=[1, 1]),
    helper.make_node('Sigmoid', ['c3'], ['s']),
    helper.make_node('Transpose', ['s'], ['y'], perm=[0, 2, 3, 1]),
]
save('mini_fcn', nodes, [const('w1', weights(8, C, 3, 3)), const('b1', weights(8)), const('w2', weights(8, 8, 3, 3)), const('b2', weights(8)),
                         empty, const('scales', np.array([1, 1, 2, 2], np.float32)), const('w3', weights(2, 16, 1, 1)), const('b3', weights(2))],
     (1, 8, 8, 2), in_shape=(1, C, 16, 16))

# Unsupported: an op we do not convert, and a supported op with an unsupported attribute
save('unsupported_softmax', [helper.make_node('Softmax', ['x'], ['y'], name='the_softmax', axis=1)], [], (1, C, H, W))
save('unsupported_resize_cubic', [helper.make_node('Resize', ['x', 'roi', 'scales'], ['y'], name='cubic_resize', mode='cubic')],
     [empty, const('scales', np.array([1, 1, 2, 2], np.float32))], (1, C, 2 * H, 2 * W))
save('unsupported_maxpool_dilated', [helper.make_node('MaxPool', ['x'], ['y'], name='dilated_pool', kernel_shape=[2, 2], dilations=[2, 2])], [], (1, C, H - 2, W - 2))
