/**
 * The paper's networks as DL4J computation graphs: {@link org.speech2face.model.networks.VggFace},
 * {@link org.speech2face.model.networks.FaceDecoder} (FD), {@link org.speech2face.model.networks.SpeechEncoder} (SE)
 * with {@link org.speech2face.model.networks.Cbam}, the voice gender classifier, sized by
 * {@link org.speech2face.model.networks.ModelProfile}, and the two graphs that are trained with their losses inside
 * ({@link org.speech2face.model.networks.TrainingGraphs}).
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
 *     the SE graph are parameters of {@link org.speech2face.model.loss.TriItemLoss} with a zero learning rate (DL4J's
 *     {@code NoOp} updater applies the raw gradient, it is not a freeze).</li>
 * <li>Optimiser: {@link org.speech2face.model.networks.Networks#paperAdam()}; the decay counts epochs, so trainers
 *     must advance the graph's epoch count.</li>
 * <li>DL4J 1.0.0-M2.1 quirks are handled in {@link org.speech2face.model.layers}.</li>
 * </ul>
 * Nothing here touches files.
 */
package org.speech2face.model.networks;
