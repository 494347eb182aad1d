/** Trained networks at inference, in batches: VGGFace features, FD(x) with VGGFace(FD(x)), and Sf. */
package org.speech2face.model.inference;
