/**
 * The training losses (FD: eq. 4's MS-SSIM + L1 image loss and the cosine feature loss; SE: eq. 7's tri-item loss)
 * as DL4J output layers with their gradients written out, and {@link org.speech2face.model.loss.LossTerms}, each
 * term measured apart for the per-epoch metrics.
 */
package org.speech2face.model.loss;
