/**
 * Benchmarks that {@code s2f bench} runs beside a reference implementation in the same command: the networks'
 * training and inference steps, and spectrogram extraction. They measure; nothing in the pipeline calls them.
 */
package org.speech2face.bench;
