/** The face priors of AR-SPM section 3.1: mean face features over nested draws of n faces, and Table 1. */
package org.speech2face.model.priors;
