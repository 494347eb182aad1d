#!/usr/bin/env node
// Reference outputs of @vladmandic/face-api 1.7.15 on pure @tensorflow/tfjs 4.22.0 (CPU backend, no native build),
// for the DL4J face networks' tests (org.speech2face.faceapi, FaceApiReferenceTest).
//
// The inputs are raw RGB pixels written by the Java test, so both sides read exactly the same pixels (two JPEG
// decoders need not agree to the last bit):
//   1. mvn -o -q -pl common -Dtest=FaceApiReferenceTest test   (writes common/target/faceapi-inputs/, then the test
//      reports that the reference is missing or stale)
//   2. cd bench/faceapi && npm ci && node make-reference.js ../../common/target/faceapi-inputs \
//        ../../common/src/test/resources/faceapi/reference.json.gz
//   3. run the test again.
// Each input's SHA-256 is copied into the reference, and the test checks it, so a reference made from other pixels
// fails by name rather than as a numerical mismatch.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');
const Module = require('module');

// face-api's Node entry requires the native @tensorflow/tfjs-node; the pure-JS @tensorflow/tfjs has the same API.
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === '@tensorflow/tfjs-node' ? '@tensorflow/tfjs' : request, ...rest);
};
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api');

const TOP_ANCHORS = 100; // boxes are kept for the best-scoring anchors only, to keep the fixture small

function round(x) {
  return Number(x.toPrecision(9));
}

async function main() {
  const [inputDir, outFile] = process.argv.slice(2);
  if (!inputDir || !outFile) {
    console.error('usage: node make-reference.js INPUT_DIR OUT.json.gz');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  await faceapi.nets.ageGenderNet.loadFromDisk(modelDir);
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);

  const index = JSON.parse(fs.readFileSync(path.join(inputDir, 'inputs.json'), 'utf8'));
  const out = {
    generator: 'bench/faceapi/make-reference.js',
    faceApi: require('@vladmandic/face-api/package.json').version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    node: process.version,
    inputs: [],
  };
  for (const item of index) {
    const bytes = fs.readFileSync(path.join(inputDir, item.file));
    if (bytes.length !== item.width * item.height * 3) {
      throw new Error(`${item.file}: ${bytes.length} bytes, expected ${item.width}x${item.height}x3`);
    }
    const entry = {
      name: item.name,
      width: item.width,
      height: item.height,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    };
    const image = tf.tensor3d(Int32Array.from(bytes), [item.height, item.width, 3], 'int32');

    entry.descriptor = Array.from(await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(image)).map(round);
    const ag = faceapi.nets.ageGenderNet.forwardInput(await faceapi.toNetInput(image));
    entry.age = round(ag.age.dataSync()[0]);
    entry.genderSoftmax = Array.from(ag.gender.dataSync()).map(round); // index 0 = male
    ag.age.dispose();
    ag.gender.dispose();
    const pred = await faceapi.nets.ageGenderNet.predictAgeAndGender(image);
    entry.prediction = { age: round(pred.age), gender: pred.gender, genderProbability: round(pred.genderProbability) };

    if (item.detect) {
      const raw = await faceapi.nets.ssdMobilenetv1.forward(image);
      const scores = Array.from(raw.scores[0].dataSync());
      const boxes = raw.boxes[0].arraySync();
      raw.boxes.forEach((t) => t.dispose());
      raw.scores.forEach((t) => t.dispose());
      const top = scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).slice(0, TOP_ANCHORS).map((p) => p[1]);
      entry.ssdScores = scores.map(round);
      entry.ssdTopBoxes = top.map((i) => ({ anchor: i, box: boxes[i].map(round) })); // [top, left, bottom, right]
      const faces = await faceapi.nets.ssdMobilenetv1.locateFaces(image, { minConfidence: 0.5, maxResults: 100 });
      entry.detections = faces.map((f) => ({
        score: round(f.score), x: round(f.box.x), y: round(f.box.y), width: round(f.box.width), height: round(f.box.height),
      }));
    }
    image.dispose();
    out.inputs.push(entry);
    console.log(`${item.name}: ${item.width}x${item.height}, age ${entry.age.toFixed(2)}, P(male) ${entry.genderSoftmax[0].toFixed(4)}`
      + (entry.detections ? `, ${entry.detections.length} face(s)` : ''));
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, zlib.gzipSync(JSON.stringify(out, null, 1), { level: 9 }));
  console.log(`wrote ${outFile}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
