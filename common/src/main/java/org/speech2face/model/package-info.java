/**
 * The AR-SPM networks in DL4J, by what each part is:
 * <ul>
 * <li>{@link org.speech2face.model.networks}: the paper's networks (VGGFace, the face decoder FD, the speech encoder
 *     SE with CBAM, the voice gender classifier), their sizes ({@code ModelProfile}) and the two training graphs that
 *     carry their losses inside;</li>
 * <li>{@link org.speech2face.model.loss}: the losses (FD's MS-SSIM + L1 image loss and cosine feature loss, SE's
 *     tri-item loss) and the loss terms measured apart;</li>
 * <li>{@link org.speech2face.model.layers}: DL4J runtime layers that make the networks fast or correct on DL4J
 *     1.0.0-M2.1 (oneDNN convolutions, channels-last batch norm, SameDiff fixes); no paper maths;</li>
 * <li>{@link org.speech2face.model.inference}: trained networks at inference (Ff, FD(x), Sf);</li>
 * <li>{@link org.speech2face.model.priors}: the face priors of section 3.1;</li>
 * <li>{@link org.speech2face.model.io}: weight files, checkpoints and the gender model on any Hadoop file system,
 *     and the names older checkpoints used ({@code LegacyClassNames}).</li>
 * </ul>
 * Benchmarks live in {@link org.speech2face.bench}; the artefacts stages hand each other (variants, priors) in
 * {@link org.speech2face.contracts}.
 */
package org.speech2face.model;
