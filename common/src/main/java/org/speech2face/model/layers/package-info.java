/**
 * DL4J runtime layers: how the networks run fast and correctly on DL4J 1.0.0-M2.1, not what they compute.
 * DL4J never enables its oneDNN layer helpers ({@link org.speech2face.model.layers.NativeBackend}, the {@code Fast*}
 * layers); convolution stacks run channels-last ({@link org.speech2face.model.layers.ChannelLayout},
 * {@link org.speech2face.model.layers.ChannelsLastBatchNorm}); SameDiff layers got doubled gradients
 * ({@link org.speech2face.model.layers.ExactSameDiffLayer}); {@code ActivationLayer} rectifies its input in place at
 * inference ({@link org.speech2face.model.layers.CopyingRelu}). Each is checked against stock DL4J in its tests.
 */
package org.speech2face.model.layers;
