/**
 * The AR-SPM networks as DL4J computation graphs: {@link org.speech2face.model.VggFace},
 * {@link org.speech2face.model.FaceDecoder} (FD), {@link org.speech2face.model.SpeechEncoder} (SE) with
 * {@link org.speech2face.model.Cbam}, sized by {@link org.speech2face.model.ModelProfile}, and the two graphs that
 * are trained with their losses inside ({@link org.speech2face.model.TrainingGraphs}).
 *
 * <p>Decisions worth knowing:
 * <ul>
 * <li>Every graph takes images as RGB in [0, 1], NCHW; VGGFace's BGR / 0-255 / mean subtraction is its first layer.</li>
 * <li>Ff = VGGFace fc7 before ReLU; VFc3(x) = fc8(relu(x)); DFc1(x) = relu(FD fc1(x)).</li>
 * <li>FD image loss: 0.84 (1 - MS-SSIM) + 0.16 mean|x' - x| (plain L1, not Gaussian-weighted); 5 MS-SSIM scales at
 *     224 px, 3 at the tiny profile's 64 px (first three weights renormalised). FD's cosine term compares VGGFace fc7
 *     of the generated face with Ff of the real one, which is the input itself, so the real face never runs through
 *     VGGFace during FD training.</li>
 * <li>Frozen parts: VGGFace inside the FD graph is wrapped in {@code FrozenLayerWithBackprop}; DFc1 and VFc3 inside
 *     the SE graph are parameters of {@link org.speech2face.model.TriItemLoss} with a zero learning rate (DL4J's
 *     {@code NoOp} updater applies the raw gradient, it is not a freeze).</li>
 * <li>Optimiser: {@link org.speech2face.model.Networks#paperAdam()}; the decay counts epochs, so trainers must
 *     advance the graph's epoch count.</li>
 * <li>DL4J 1.0.0-M2.1 quirks handled here: SameDiff layers got doubled gradients
 *     ({@link org.speech2face.model.ExactSameDiffLayer}); {@code ActivationLayer} rectifies its input in place at
 *     inference ({@link org.speech2face.model.CopyingRelu}); DL4J never enables its oneDNN layer helpers
 *     ({@link org.speech2face.model.NativeBackend}, {@code Fast*} layers).</li>
 * </ul>
 * Checkpoints and weight files live in {@code org.speech2face.model.io}; nothing else here touches files.
 */
package org.speech2face.model;
