package org.speech2face.model.networks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Every size of the AR-SPM networks, in one place. {@link #PAPER} is the paper's model (Tables 2 and 3, VGG16);
 * {@link #TINY} is the same code with every width divided by 8 and 64x64 faces, so the whole pipeline trains on a
 * laptop in minutes. Both keep the same layer sequence and stride pattern: the face decoder starts from a
 * {@code faceSize/32} grid, exactly the size of VGGFace's last feature map, and doubles it five times.
 */
public enum ModelProfile {
    PAPER(224, new int[] {64, 128, 256, 512, 512}, 4096, 2622, 1000,
            new int[] {512, 512, 512, 512, 512, 256, 256, 256, 64, 64, 32},
            new int[] {64, 128, 256, 512, 512}, 16, 5),
    TINY(64, new int[] {8, 16, 32, 64, 64}, 512, 2622, 125,
            new int[] {64, 64, 64, 64, 64, 32, 32, 32, 8, 8, 4},
            new int[] {8, 16, 32, 64, 64}, 16, 3);

    /** Strides of FD's eleven transposed convolutions (docs/paper-recipes.md: five stride-2 layers, 7 -> 224). */
    private static final int[] DECODER_STRIDES = {2, 2, 1, 1, 1, 2, 1, 1, 2, 1, 2};
    /** Spectrogram frames and bins: 6 s at a 10 ms hop, a 512-point FFT. Fixed by the audio contract. */
    public static final int SPECTROGRAM_FRAMES = 598;
    public static final int SPECTROGRAM_BINS = 257;
    /** Real and imaginary parts, the SE input channels. */
    public static final int SPECTROGRAM_CHANNELS = 2;
    /** VGG16 has five 2x2 max-pools, so its last map is faceSize/32 wide. */
    public static final int VGG_DOWNSAMPLING = 32;

    private final int faceSize;
    private final int[] vggWidths;
    private final int featureDim;
    private final int identities;
    private final int decoderHidden;
    private final int[] decoderWidths;
    private final int[] encoderWidths;
    private final int cbamReduction;
    private final int msSsimScales;

    ModelProfile(int faceSize, int[] vggWidths, int featureDim, int identities, int decoderHidden,
                 int[] decoderWidths, int[] encoderWidths, int cbamReduction, int msSsimScales) {
        this.faceSize = faceSize;
        this.vggWidths = vggWidths;
        this.featureDim = featureDim;
        this.identities = identities;
        this.decoderHidden = decoderHidden;
        this.decoderWidths = decoderWidths;
        this.encoderWidths = encoderWidths;
        this.cbamReduction = cbamReduction;
        this.msSsimScales = msSsimScales;
    }

    /** Parses {@code paper} or {@code tiny} (any case), naming the bad value otherwise. */
    public static ModelProfile parse(String name) {
        if (name != null) {
            for (ModelProfile p : values()) {
                if (p.name().equalsIgnoreCase(name.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("Unknown model profile '" + name + "'; expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ".");
    }

    /** Lower-case name as used in configs and checkpoint metadata. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Face images are square RGB of this side (VGGFace input and FD output). */
    public int faceSize() {
        return faceSize;
    }

    /** Channels of the five VGG16 conv blocks. */
    public int[] vggWidths() {
        return vggWidths.clone();
    }

    /** Width of fc6 and fc7: the face feature Ff, and the speech feature Sf, have this length. */
    public int featureDim() {
        return featureDim;
    }

    /** Width of fc8 (VGGFace's identity logits). An identity count, not a width: kept in both profiles. */
    public int identities() {
        return identities;
    }

    /** Width of FD's first fully connected layer (DFc1). */
    public int decoderHidden() {
        return decoderHidden;
    }

    /** Side of the grid FD reshapes its second fc output to. */
    public int decoderGrid() {
        return faceSize / VGG_DOWNSAMPLING;
    }

    /** Output channels of FD's eleven transposed convolutions. */
    public int[] decoderWidths() {
        return decoderWidths.clone();
    }

    /** Strides of FD's eleven transposed convolutions (same in both profiles). */
    public int[] decoderStrides() {
        return DECODER_STRIDES.clone();
    }

    /** Index (0-based) of the transposed conv after which FD's CBAM sits: the last of the widest block. */
    public int decoderCbamAfter() {
        return 4;
    }

    /** Channels of SE's five convolutions. */
    public int[] encoderWidths() {
        return encoderWidths.clone();
    }

    /** CBAM's channel-MLP reduction ratio. */
    public int cbamReduction() {
        return cbamReduction;
    }

    /**
     * MS-SSIM scales used by the FD image loss. Five needs faces of at least 11 * 2^4 = 176 px; the tiny profile's
     * 64 px faces allow three (64, 32, 16), with the first three paper weights renormalised to sum to 1.
     */
    public int msSsimScales() {
        return msSsimScales;
    }
}
