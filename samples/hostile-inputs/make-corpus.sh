#!/usr/bin/env bash
# Regenerates the hostile-input corpus in this folder (videos/ and hostile.csv) from the ingest test fixture
# spark-jobs/src/test/resources/fixtures/shortClip01.mp4 (a 2.5 s 160x120 clip of a centred face with speech).
# Every file is one kind of input users really feed the ingest stages; README.md says what each one is and what
# ingest must make of it. Needs Debian's ffmpeg (libx264, libvpx, libopus). Nothing is downloaded.
#
#   samples/hostile-inputs/make-corpus.sh
#
# Symlinks are not shipped (a checkout or a copy would follow or drop them): the test that runs the corpus makes
# them in its own copy of videos/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SOURCE="$REPO/spark-jobs/src/test/resources/fixtures/shortClip01.mp4"
VIDEOS="$HERE/videos"

die() { echo "make-corpus.sh: $*" >&2; exit 1; }
command -v ffmpeg >/dev/null || die "ffmpeg is missing: apt-get install ffmpeg"
command -v ffprobe >/dev/null || die "ffprobe is missing: apt-get install ffmpeg"
[[ -f "$SOURCE" ]] || die "the source clip $SOURCE is missing"

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y -filter_threads 1)
BITEXACT=(-threads 1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 -map_chapters -1)
X264=(-c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -g 25)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rm -rf "$VIDEOS"
mkdir -p "$VIDEOS"

# The rotation a player applies to a file, clockwise degrees, as ffprobe's display matrix "rotation" (which is
# counter-clockwise) or the stream's rotate tag says.
display_rotation() {
    local ccw tag
    ccw="$(ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation -of csv=p=0 "$1" | head -1)"
    tag="$(ffprobe -v error -select_streams v:0 -show_entries stream_tags=rotate -of csv=p=0 "$1" | head -1)"
    if [[ -n "$ccw" ]]; then
        echo $(( ( (-ccw) % 360 + 360 ) % 360 ))
    else
        echo "${tag:-0}"
    fi
}

# A phone video: the pixels stored turned by the opposite of what the metadata says, as a phone held sideways
# stores them. $1 name, $2 container, $3 clockwise degrees a player must turn the picture, $4 how it is recorded:
# "matrix" (the MP4 display matrix, as phones write it) or "tag" (a Matroska "rotate" tag, as older ffmpeg
# remuxes leave it).
phone() {
    local name="$1" ext="$2" cw="$3" how="$4" undo
    case "$cw" in
        90) undo="transpose=2" ;;          # stored turned 90 counter-clockwise
        180) undo="hflip,vflip" ;;
        270) undo="transpose=1" ;;         # stored turned 90 clockwise
        *) die "rotation $cw" ;;
    esac
    "${FF[@]}" -i "$SOURCE" -vf "$undo" "${X264[@]}" -c:a copy "${BITEXACT[@]}" "$WORK/$name-stored.mp4"
    if [[ "$how" == matrix ]]; then
        # ffmpeg 5.1 turns the rotate option into the display matrix when stream copying, counter-clockwise.
        "${FF[@]}" -i "$WORK/$name-stored.mp4" -c copy -metadata:s:v:0 rotate=$(( (360 - cw) % 360 )) \
            "${BITEXACT[@]}" "$VIDEOS/$name.$ext"
    else
        # Upper case, so ffmpeg copies it as a plain tag rather than turning it into a display matrix.
        "${FF[@]}" -i "$WORK/$name-stored.mp4" -c copy "${BITEXACT[@]}" -metadata:s:v:0 ROTATE=$cw \
            "$VIDEOS/$name.$ext"
    fi
    local got
    got="$(display_rotation "$VIDEOS/$name.$ext")"
    [[ "$got" == "$cw" ]] || die "$name: a player would turn it $got degrees, not $cw"
}
phone phoneRot090 mp4 90 matrix
phone phoneRot180 mp4 180 matrix
phone phoneRot270 mp4 270 matrix
phone tagRotat090 mkv 90 tag
phone tagRotat270 mkv 270 tag

# Truncated downloads: 10 s clips (the source four times over) cut at 45% of their bytes. The MP4 has its index
# (moov) first, so what is left still says 10 s; the WebM's header says 10 s and its cues (at the end) are gone.
"${FF[@]}" -stream_loop 3 -i "$SOURCE" "${X264[@]}" -c:a aac -b:a 48k -movflags +faststart "${BITEXACT[@]}" \
    "$WORK/long.mp4"
"${FF[@]}" -stream_loop 3 -i "$SOURCE" -c:v libvpx -b:v 80k -g 25 -c:a libopus -b:a 32k "${BITEXACT[@]}" \
    "$WORK/long.webm"
for ext in mp4 webm; do
    size=$(stat -c %s "$WORK/long.$ext")
    head -c $(( size * 45 / 100 )) "$WORK/long.$ext" >"$VIDEOS/truncated${ext^}.$ext"
done
mv "$VIDEOS/truncatedMp4.mp4" "$VIDEOS/truncMp4Cut.mp4"
mv "$VIDEOS/truncatedWebm.webm" "$VIDEOS/truncWebm01.webm"

# A 1x1 video with speech (VP8 takes odd sizes): a broken export or a tracking pixel saved as a video.
"${FF[@]}" -f lavfi -i "color=c=gray:s=2x2:r=25:d=2.5" -i "$SOURCE" -map 0:v -map 1:a -vf scale=1:1 -c:v libvpx -b:v 10k \
    -c:a libopus -b:a 24k -shortest "${BITEXACT[@]}" "$VIDEOS/onePixel001.webm"

# Files that are not media under a video's name: a PNG (a thumbnail saved as the clip), an HTML error page (what a
# downloader saves when the site refuses), an empty file (a download that never started), and an HLS playlist (a
# playlist URL saved instead of the media) listing a file outside the videos folder: FFmpeg would open that file
# and decode it as this clip. The test that runs the corpus puts a real clip there.
"${FF[@]}" -ss 1 -i "$SOURCE" -frames:v 1 -c:v png -f image2 -update 1 "${BITEXACT[@]}" "$VIDEOS/pngNotVideo.mp4"
printf '<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head>\n<body>Too many requests.</body></html>\n' \
    >"$VIDEOS/htmlNotVid1.mp4"
: >"$VIDEOS/emptyFile01.mp4"
printf '#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:2.5,\n../../outside/secret.mp4\n#EXT-X-ENDLIST\n' \
    >"$VIDEOS/hlsPlaylist.mp4"

# A good clip, for segments partly past its end and for the symlink inside the folder.
cp "$SOURCE" "$VIDEOS/goodClip001.mp4"

{
    echo "youtube_id,start_seconds,end_seconds,x,y"
    for id in phoneRot090 phoneRot180 phoneRot270 tagRotat090 tagRotat270; do
        echo "$id,0.0,2.5,0.5,0.5"
    done
    echo "truncMp4Cut,0.0,6.0,0.5,0.5"
    echo "truncWebm01,0.0,6.0,0.5,0.5"
    echo "onePixel001,0.0,2.5,0.5,0.5"
    echo "pngNotVideo,0.0,2.5,0.5,0.5"
    echo "htmlNotVid1,0.0,2.5,0.5,0.5"
    echo "emptyFile01,0.0,2.5,0.5,0.5"
    echo "hlsPlaylist,0.0,2.5,0.5,0.5"
    echo "goodClip001,0.0,2.5,0.5,0.5"
    echo "goodClip001,1.0,4.0,0.5,0.5"
    echo "goodClip001,1.5,2.6,0.5,0.5"
    echo "linkOutside,0.0,2.5,0.5,0.5"
    echo "linkInside1,0.0,2.5,0.5,0.5"
} >"$HERE/hostile.csv"
# Every id is a valid youtube_id, so each row reaches its file: the file, not the id, is what is hostile.
while IFS=, read -r id _; do
    [[ "$id" == youtube_id || "$id" =~ ^[A-Za-z0-9_-]{11}$ ]] || die "$id is not an 11-character youtube_id"
done <"$HERE/hostile.csv"

total=$(du -cb "$VIDEOS" "$HERE/hostile.csv" | tail -1 | cut -f1)
((total < 400000)) || die "the corpus takes $total bytes, over its 400 kB budget"
ls -l "$VIDEOS"
