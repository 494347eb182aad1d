#!/usr/bin/env bash
# Regenerates the bundled AVSpeech-format sample (videos/, avspeech.csv, gender.csv) and the test fixtures
# under spark-jobs/src/test/resources/fixtures/ from the three public-domain photos in photos/.
#
# Needs these Debian packages (bookworm): ffmpeg (its libx264, libvpx, libopus, libvorbis and libmp3lame encoders),
# espeak-ng, and coreutils + mawk/gawk (present on every Debian). Nothing is downloaded.
#
#   samples/avspeech-sample/make-sample.sh                      # rebuild everything from photos/
#   samples/avspeech-sample/make-sample.sh --photos-from DIR    # first re-derive photos/ from full-size originals
#
# Output is byte-for-byte reproducible with the same ffmpeg and espeak-ng builds (single-threaded encoders,
# bitexact muxing, no metadata). Every clip is a still photo under a slow zoom/pan (so frames differ) with
# synthetic speech over its whole length. Geometry is checked before encoding: the script stops if a zoom/pan
# window would leave the canvas (ffmpeg would clamp it silently and the CSV's face centres would be wrong) or a
# face would be smaller than 80 px.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PHOTOS="$HERE/photos"
VIDEOS="$HERE/videos"
FIXTURES="$REPO/spark-jobs/src/test/resources/fixtures"
FPS=25

die() { echo "make-sample.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------------------------
command -v ffmpeg >/dev/null || die "ffmpeg is missing: apt-get install ffmpeg"
command -v ffprobe >/dev/null || die "ffprobe is missing: apt-get install ffmpeg"
command -v espeak-ng >/dev/null || die "espeak-ng is missing: apt-get install espeak-ng"
ENCODERS="$(ffmpeg -hide_banner -encoders 2>/dev/null)"
for enc in libx264 libvpx libvpx-vp9 aac libopus libvorbis libmp3lame; do
    grep -qE "^ [A-Z.]{6} $enc " <<<"$ENCODERS" || die "this ffmpeg has no $enc encoder (Debian's ffmpeg package has it)"
done

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y -filter_threads 1 -filter_complex_threads 1)
# Reproducible output: one thread per encoder, no encoder/creation tags, deterministic container UIDs.
BITEXACT=(-threads 1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 -map_chapters -1)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
# awk condition -> exit status
holds() { awk "BEGIN { exit !($1) }"; }

# ---------------------------------------------------------------------------------------------------------------
# Photos: scaled-down copies of the originals (only with --photos-from), and where OpenCV's frontal Haar cascade
# finds the face in each shipped copy (x centre, y centre, side; scale 1.1, 5 neighbours, min 40 px).
# ---------------------------------------------------------------------------------------------------------------
if [[ "${1:-}" == "--photos-from" ]]; then
    SRC="${2:?--photos-from needs the folder holding astronaut.png, obama.jpg and biden.jpg}"
    mkdir -p "$PHOTOS"
    "${FF[@]}" -i "$SRC/astronaut.png" -pix_fmt yuvj420p -q:v 4 -fflags +bitexact -flags +bitexact \
        -map_metadata -1 "$PHOTOS/astronaut.jpg"
    "${FF[@]}" -i "$SRC/obama.jpg" -vf scale=546:682:flags=lanczos -pix_fmt yuvj420p -q:v 4 -fflags +bitexact \
        -flags +bitexact -map_metadata -1 "$PHOTOS/obama.jpg"
    # Biden's photo is full length: keep the upper body (top 1212 of 2204 rows), then scale like Obama's.
    "${FF[@]}" -i "$SRC/biden.jpg" -vf crop=970:1212:0:0,scale=582:727:flags=lanczos -pix_fmt yuvj420p -q:v 4 \
        -fflags +bitexact -flags +bitexact -map_metadata -1 "$PHOTOS/biden.jpg"
elif [[ $# -gt 0 ]]; then
    die "unknown argument '$1' (the only option is --photos-from DIR)"
fi
for p in astronaut obama biden; do
    [[ -f "$PHOTOS/$p.jpg" ]] || die "$PHOTOS/$p.jpg is missing (make it with --photos-from DIR)"
done

# photo -> "centre_x centre_y side" in the shipped photo's pixels
face_in_photo() {
    case "$1" in
        astronaut) echo "224.0 113.0 94" ;;
        obama)     echo "299.5 147.5 195" ;;
        biden)     echo "351.5 220.5 181" ;;
        *) die "no face box for photo '$1'" ;;
    esac
}

# ---------------------------------------------------------------------------------------------------------------
# Geometry. A clip is a canvas (one or two photo crops side by side, scaled to 4x the output size so the zoompan
# window moves in quarter pixels) seen through a window of the canvas's aspect: at frame n the window has zoom
# z(n) and puts the canvas point (ax, ay) at output fraction (px(n), py(n)); z, px, py move linearly. A face at
# canvas fraction (cx, cy) then sits at output fraction (px + (cx - ax) * z, py + (cy - ay) * z), which is what
# the CSV's x, y hold.
# ---------------------------------------------------------------------------------------------------------------

# tile spec "photo:w:h:x0:y0:flip", tile index, tile count -> "cx cy side_fraction_of_canvas_width"
tile_face() {
    local photo w h x0 y0 flip fx fy side
    IFS=: read -r photo w h x0 y0 flip <<<"$1"
    read -r fx fy side < <(face_in_photo "$photo")
    awk -v fx="$fx" -v fy="$fy" -v s="$side" -v w="$w" -v h="$h" -v x0="$x0" -v y0="$y0" -v flip="$flip" \
        -v i="$2" -v k="$3" 'BEGIN {
            u = (fx - x0) / w; if (flip) u = 1 - u
            printf "%.6f %.6f %.6f\n", (i + u) / k, (fy - y0) / h, s / w / k }'
}

# Builds the canvas PNG: tiles (space separated tile specs), grade filter, canvas w, h, output path.
make_canvas() {
    local tiles=() grade="$2" cw="$3" ch="$4" out="$5" k i inputs=() graph="" labels="" mirror
    read -r -a tiles <<<"$1"
    k=${#tiles[@]}
    for ((i = 0; i < k; i++)); do
        local photo w h x0 y0 flip
        IFS=: read -r photo w h x0 y0 flip <<<"${tiles[$i]}"
        (( w * k * ch == h * cw )) || die "tile ${tiles[$i]} is not the aspect of 1/$k of a ${cw}x${ch} canvas"
        inputs+=(-i "$PHOTOS/$photo.jpg")
        mirror=""; if ((flip)); then mirror=",hflip"; fi
        graph+="[$i:v]crop=$w:$h:$x0:$y0$mirror,scale=$((cw / k)):$ch:flags=lanczos[t$i];"
        labels+="[t$i]"
    done
    if ((k > 1)); then graph+="${labels}hstack=inputs=$k,"; else graph+="[t0]"; fi
    graph+="$grade,format=rgb24"
    "${FF[@]}" "${inputs[@]}" -filter_complex "$graph" -frames:v 1 -fflags +bitexact -flags +bitexact "$out"
}

# Face position at time t: face "cx cy side", anchor ax ay, motion "z0 z1 px0 px1 py0 py1", frames, output width
# -> "x y side_px"
face_at() {
    local t="$1" face="$2" anchor="$3" motion="$4" n="$5" ow="$6"
    awk -v t="$t" -v face="$face" -v anchor="$anchor" -v motion="$motion" -v n="$n" -v ow="$ow" -v fps="$FPS" '
        BEGIN {
            split(face, f, " "); split(anchor, a, " "); split(motion, m, " ")
            i = int(t * fps + 0.5); if (i > n - 1) i = n - 1
            u = i / (n - 1)
            z = m[1] + (m[2] - m[1]) * u; px = m[3] + (m[4] - m[3]) * u; py = m[5] + (m[6] - m[5]) * u
            printf "%.6f %.6f %.1f\n", px + (f[1] - a[1]) * z, py + (f[2] - a[2]) * z, f[3] * z * ow }'
}

# Fails unless the window stays inside the canvas and every face stays in frame and >= min_px, at both ends
# (z, px and py are linear, so the bounds px <= ax*z and 1-px <= (1-ax)*z, and the face size, are monotonic).
check_geometry() {
    local name="$1" faces="$2" anchor="$3" motion="$4" n="$5" ow="$6" min_px="$7" end face x y s
    awk -v anchor="$anchor" -v motion="$motion" -v name="$name" 'BEGIN {
        split(anchor, a, " "); split(motion, m, " ")
        for (e = 0; e <= 1; e++) {
            z = m[1 + e]; px = m[3 + e]; py = m[5 + e]
            if (z < 1 || px > a[1] * z + 1e-9 || 1 - px > (1 - a[1]) * z + 1e-9 \
                      || py > a[2] * z + 1e-9 || 1 - py > (1 - a[2]) * z + 1e-9) {
                printf "%s: the zoom window (z=%s, px=%s, py=%s) leaves the canvas at its %s\n", \
                    name, z, px, py, (e ? "end" : "start") > "/dev/stderr"; exit 1 } } }' \
        || die "fix the motion of $name"
    while IFS= read -r face; do
        for end in 0 99999; do
            read -r x y s < <(face_at "$end" "$face" "$anchor" "$motion" "$n" "$ow")
            holds "$x > 0.15 && $x < 0.85 && $y > 0.15 && $y < 0.85 && $s >= $min_px" \
                || die "$name: a face ends up at ($x, $y), $s px wide; want it inside the frame and >= $min_px px"
        done
    done <<<"$faces"
}

# Synthesised speech at least $dur s long: voice, words per minute, pitch, text, duration, output wav.
speak() {
    local voice="$1" wpm="$2" pitch="$3" text="$4" dur="$5" out="$6" len
    espeak-ng -v "$voice" -s "$wpm" -p "$pitch" -w "$out" "$text"
    len="$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$out")"
    holds "$len >= $dur" || die "espeak-ng $voice says '$text' in $len s, shorter than the $dur s clip: add words"
}

# Encoder arguments by kind.
codec_args() {
    case "$1" in
        mp4)      echo "-c:v libx264 -preset slow -crf 30 -pix_fmt yuv420p -g 50 -c:a aac -b:a 40k -ar 22050 -ac 1 -movflags +faststart" ;;
        mp4-tiny) echo "-c:v libx264 -preset slow -crf 34 -pix_fmt yuv420p -g 50 -c:a aac -b:a 20k -ar 16000 -ac 1 -movflags +faststart" ;;
        # moov at the end, as ffmpeg writes by default: cutting the file loses the index
        mp4-tail) echo "-c:v libx264 -preset slow -crf 34 -pix_fmt yuv420p -g 50 -c:a aac -b:a 20k -ar 16000 -ac 1" ;;
        webm-vp9) echo "-c:v libvpx-vp9 -crf 40 -b:v 0 -deadline good -cpu-used 2 -row-mt 0 -pix_fmt yuv420p -g 50 -c:a libopus -b:a 32k -ar 48000 -ac 1" ;;
        webm-vp8) echo "-c:v libvpx -crf 16 -b:v 150k -deadline good -cpu-used 2 -pix_fmt yuv420p -g 50 -c:a libvorbis -q:a 1 -ar 22050 -ac 1" ;;
        m4a-tiny) echo "-vn -c:a aac -b:a 20k -ar 16000 -ac 1 -movflags +faststart" ;;
        mkv)      echo "-c:v libx264 -preset slow -crf 30 -pix_fmt yuv420p -g 50 -c:a libmp3lame -b:a 40k -ar 22050 -ac 1" ;;
        *) die "unknown codec kind '$1'" ;;
    esac
}

# Renders one clip: canvas png, output WxH, duration s, anchor, motion, wav (or "" for none), codec kind, output.
render() {
    local canvas="$1" size="$2" dur="$3" anchor="$4" motion="$5" wav="$6" kind="$7" out="$8"
    local n ax ay z0 z1 px0 px1 py0 py1 zexp pxexp pyexp graph maps audio=()
    n=$(awk "BEGIN { printf \"%d\", $dur * $FPS + 0.5 }")
    read -r ax ay <<<"$anchor"
    read -r z0 z1 px0 px1 py0 py1 <<<"$motion"
    zexp="($z0+($z1-$z0)*on/$((n - 1)))"
    pxexp="($px0+($px1-$px0)*on/$((n - 1)))"
    pyexp="($py0+($py1-$py0)*on/$((n - 1)))"
    graph="[0:v]zoompan=z='$zexp':x='$ax*iw-$pxexp*iw/$zexp':y='$ay*ih-$pyexp*ih/$zexp'"
    graph+=":d=1:s=$size:fps=$FPS,setsar=1[v]"
    maps=(-map "[v]")
    if [[ -n "$wav" ]]; then
        audio=(-i "$wav")
        graph+=";[1:a]atrim=0:$dur,afade=t=out:st=$(calc "$dur - 0.2"):d=0.2[a]"
        maps+=(-map "[a]")
    fi
    # shellcheck disable=SC2046
    "${FF[@]}" -loop 1 -framerate "$FPS" -i "$canvas" "${audio[@]}" -filter_complex "$graph" "${maps[@]}" \
        -frames:v "$n" -t "$dur" $(codec_args "$kind") "${BITEXACT[@]}" "$out"
}

# sha256 split, exactly as org.speech2face.data.Split (train < 0.8 <= val < 0.9 <= test)
split_of() {
    local h f
    h="$(printf %s "$1" | sha256sum | cut -c1-8)"
    f=$(( 16#$h % 10000 ))
    if ((f < 8000)); then echo train; elif ((f < 9000)); then echo val; else echo test; fi
}

# ---------------------------------------------------------------------------------------------------------------
# Section 1: the sample
# ---------------------------------------------------------------------------------------------------------------
# id | gender | split | voice | wpm | pitch | tiles | grade | WxH | seconds | anchor ("face" = the first face) |
# motion "z0 z1 px0 px1 py0 py1" | codec kind | ext | text
WARM="colorbalance=rs=0.06:gs=0.02:bs=-0.06:rm=0.05:bm=-0.05"
COOL="colorbalance=rs=-0.05:bs=0.07:rm=-0.04:bm=0.05,eq=gamma=1.04"
CLIPS=(
"rhTuvqCdmPG|male|train|en+m1|150|45|obama:544:408:1:0:0|eq=contrast=1.03|480x360|10|face|1.04 1.16 0.55 0.52 0.35 0.38|mp4|mp4|Good morning, everyone. Today I want to talk about the small things that make a city work: clean water, quiet streets, buses that arrive on time, and neighbours who look out for each other. None of it happens by accident."
"0tmKXPDZpAe|male|train|en+m3|140|40|obama:544:408:1:0:1|$WARM|480x360|9|face|1.06 1.14 0.45 0.42 0.36 0.39|webm-vp9|webm|When I was a boy, my grandfather kept bees behind the house. He told me that a hive is never finished. It is rebuilt every single summer, one cell at a time, by workers who will never taste the honey."
"GJtRd8oSJ_l|male|test|en+m2|155|35|biden:576:432:6:0:0|eq=saturation=1.1|480x360|12|face|1.22 1.10 0.57 0.60 0.46 0.50|mp4|mp4|Let me be clear about the numbers. Last year we built four new bridges, repaired eleven hundred miles of road, and trained more than two thousand young people for jobs that did not exist a decade ago. We can do more, and we will do more."
"5c6qSYhzYTF|male|val|en+m5|145|30|biden:576:432:6:0:1|$COOL|384x288|8|face|1.15 1.25 0.42 0.38 0.46 0.48|mkv|mkv|The river floods every spring, and every spring the town comes together with sandbags and hot coffee. It is not glamorous work, but it is the kind of work that tells you who your friends are."
"xD3EoA1zCC_|male|train|en+m7|160|50|obama:544:408:1:0:0|eq=saturation=0.35:brightness=0.02|384x288|11|face|1.10 1.22 0.53 0.56 0.37 0.35|mp4|mp4|Science does not move in straight lines. It wanders, it doubles back, it argues with itself for years, and then one quiet afternoon somebody notices a pattern that was hiding in plain sight all along."
"7iHyEpp2LNY|female|train|en+f1|150|55|astronaut:512:384:0:0:0|eq=contrast=1.02|480x360|10|face|1.25 1.40 0.46 0.50 0.34 0.37|mp4|mp4|From orbit, the Earth looks calm. You see the thin blue line of the atmosphere, the clouds drifting over the oceans, and at night the cities glowing like embers. It changes the way you think about home."
"Pq09OIvEzwj|female|test|en+f3|145|60|astronaut:512:384:0:0:1|$WARM|480x360|12|face|1.35 1.20 0.62 0.58 0.33 0.31|webm-vp8|webm|Before every launch we practise the same checklist hundreds of times. Switches, valves, radios, and then the checklist again. When the engines light, your hands already know what to do, so your mind can stay calm and clear."
"9qYUCs19aVm|female|train|en+f5|155|50|astronaut:320:240:64:10:0|$COOL|384x288|9|face|1.05 1.15 0.49 0.52 0.43 0.45|mp4|mp4|My advice to students is simple. Ask questions, even the ones that sound silly, and write down the answers. Most of what I know, I learned from people who were patient enough to explain it twice."
"P2GuaEsSuFf|male|train|en+m4|150|40|obama:480:540:60:0:0 astronaut:288:324:80:0:0|eq=saturation=0.95|640x360|12|0.5 0.35|1.02 1.10 0.50 0.51 0.35 0.35|mp4|mp4|Thank you both for joining us this evening. We will begin with a short report from the training centre, and then we will take questions from the audience. Please keep your questions brief, so that everyone gets a turn."
)
# AVSpeech rows: id | start | end | index of the face the row points at (in the clip's tile order)
SEGMENTS=(
"rhTuvqCdmPG|0.0|7.2|0"
"rhTuvqCdmPG|7.2|9.9|0"
"0tmKXPDZpAe|1.0|8.5|0"
"GJtRd8oSJ_l|0.0|4.0|0"
"GJtRd8oSJ_l|4.0|8.5|0"
"GJtRd8oSJ_l|8.5|11.9|0"
"5c6qSYhzYTF|0.0|2.6|0"
"5c6qSYhzYTF|2.6|7.9|0"
"xD3EoA1zCC_|0.5|10.5|0"
"7iHyEpp2LNY|0.0|3.2|0"
"7iHyEpp2LNY|3.2|9.6|0"
"Pq09OIvEzwj|0.0|6.0|0"
"Pq09OIvEzwj|6.0|11.0|0"
"9qYUCs19aVm|0.4|8.8|0"
"P2GuaEsSuFf|0.0|5.5|0"
"P2GuaEsSuFf|6.0|11.5|1"
)
# The realistic bad row: AVSpeech lists it, but its download failed (no file in videos/).
MISSING_ROW="GuL8Opk-hjn,12.300000,18.766667,0.481250,0.365278"

mkdir -p "$VIDEOS"
rm -f "$VIDEOS"/*
: >"$WORK/avspeech.csv"
echo "youtube_id,gender" >"$WORK/gender.csv"
declare -A FACES ANCHOR MOTION FRAMES OUTW DUR
for clip in "${CLIPS[@]}"; do
    IFS='|' read -r id gender split voice wpm pitch tiles grade size dur anchor motion kind ext text <<<"$clip"
    [[ "$id" =~ ^[A-Za-z0-9_-]{11}$ ]] || die "'$id' is not an 11-character YouTube id"
    [[ "$(split_of "$id")" == "$split" ]] || die "$id hashes to $(split_of "$id"), not $split"
    ow=${size%x*}; oh=${size#*x}
    read -r -a tl <<<"$tiles"
    faces=""
    for ((i = 0; i < ${#tl[@]}; i++)); do faces+="$(tile_face "${tl[$i]}" "$i" "${#tl[@]}")"$'\n'; done
    faces="${faces%$'\n'}"
    [[ "$anchor" == face ]] && anchor="$(head -n1 <<<"$faces" | cut -d' ' -f1-2)"
    n=$(awk "BEGIN { printf \"%d\", $dur * $FPS + 0.5 }")
    check_geometry "$id" "$faces" "$anchor" "$motion" "$n" "$ow" 80
    FACES[$id]="$faces"; ANCHOR[$id]="$anchor"; MOTION[$id]="$motion"; FRAMES[$id]=$n; OUTW[$id]=$ow; DUR[$id]=$dur

    echo "clip $id ($gender, $split): ${tiles// /+}, $voice, ${size}, ${dur} s, $ext"
    make_canvas "$tiles" "$grade" $((ow * 4)) $((oh * 4)) "$WORK/$id.png"
    speak "$voice" "$wpm" "$pitch" "$text" "$dur" "$WORK/$id.wav"
    render "$WORK/$id.png" "$size" "$dur" "$anchor" "$motion" "$WORK/$id.wav" "$kind" "$VIDEOS/$id.$ext"
    echo "$id,$gender" >>"$WORK/gender.csv"
done

for seg in "${SEGMENTS[@]}"; do
    IFS='|' read -r id start end face_index <<<"$seg"
    [[ -n "${FACES[$id]:-}" ]] || die "segment $seg names a clip that is not in CLIPS"
    holds "$end > $start && $end - $start >= 2.5 && $end - $start <= 10 && $end <= ${DUR[$id]}" \
        || die "segment $seg must last 2.5-10 s inside the ${DUR[$id]} s clip"
    face="$(sed -n "$((face_index + 1))p" <<<"${FACES[$id]}")"
    [[ -n "$face" ]] || die "segment $seg points at face $face_index, which clip $id does not have"
    read -r x y _ < <(face_at "$start" "$face" "${ANCHOR[$id]}" "${MOTION[$id]}" "${FRAMES[$id]}" "${OUTW[$id]}")
    printf '%s,%.6f,%.6f,%s,%s\n' "$id" "$start" "$end" "$x" "$y" >>"$WORK/avspeech.csv"
done
echo "$MISSING_ROW" >>"$WORK/avspeech.csv"
[[ ! -e "$VIDEOS/${MISSING_ROW%%,*}".mp4 ]] || die "the missing row's video exists"
cp "$WORK/avspeech.csv" "$WORK/gender.csv" "$HERE/"

# ---------------------------------------------------------------------------------------------------------------
# Section 2: test fixtures (160x120, a few KB each); see fixtures/README.md for what each one tests.
# ---------------------------------------------------------------------------------------------------------------
mkdir -p "$FIXTURES"
TINY_MOTION="1.02 1.06 0.50 0.50 0.50 0.50"
fixture_clip() { # id, tiles, grade, seconds, wav or "", kind, output
    local id="$1" tiles="$2" grade="$3" dur="$4" wav="$5" kind="$6" out="$7" faces anchor motion="$TINY_MOTION" n
    n=$(awk "BEGIN { printf \"%d\", $dur * $FPS + 0.5 }")
    if [[ "$tiles" == landscape ]]; then
        # No face: a sky gradient over rolling green hills with a little texture.
        "${FF[@]}" -f lavfi -i "color=c=black:s=640x480:d=1,format=rgb24" -frames:v 1 -vf "geq=\
r='if(lt(Y,H*(0.55+0.06*sin(X/W*8.2)+0.03*sin(X/W*25.7))),95+90*Y/H,60+10*random(1)-20*Y/H)':\
g='if(lt(Y,H*(0.55+0.06*sin(X/W*8.2)+0.03*sin(X/W*25.7))),150+60*Y/H,125+12*random(1)-30*Y/H)':\
b='if(lt(Y,H*(0.55+0.06*sin(X/W*8.2)+0.03*sin(X/W*25.7))),230+15*Y/H,45+6*random(1))'" \
            -fflags +bitexact -flags +bitexact "$WORK/$id.png"
        anchor="0.5 0.5"
    else
        make_canvas "$tiles" "$grade" 640 480 "$WORK/$id.png"
        faces="$(tile_face "$tiles" 0 1)"
        anchor="$(cut -d' ' -f1-2 <<<"$faces")"
        motion="1.02 1.06 0.50 0.50 $(awk -v a="$anchor" 'BEGIN { split(a, v, " "); printf "%.3f %.3f", v[2], v[2] }')"
        check_geometry "$id" "$faces" "$anchor" "$motion" "$n" 160 60
        FACES[$id]="$faces"; ANCHOR[$id]="$anchor"; MOTION[$id]="$motion"; FRAMES[$id]=$n; OUTW[$id]=160
    fi
    render "$WORK/$id.png" 160x120 "$dur" "$anchor" "$motion" "$wav" "$kind" "$out"
}
fixture_xy() { # id, t -> "x,y" of the face at t
    local x y
    read -r x y _ < <(face_at "$2" "${FACES[$1]}" "${ANCHOR[$1]}" "${MOTION[$1]}" "${FRAMES[$1]}" "${OUTW[$1]}")
    echo "$x,$y"
}

speak en+f2 150 55 "This is a short test clip. It has one speaker and one face." 3 "$WORK/f-speech.wav"
speak en+m6 150 40 "A voice without a picture, recorded for the unit tests." 3 "$WORK/m-speech.wav"

echo "fixture shortClip01 (2.5 s, face + speech)"
fixture_clip shortClip01 astronaut:216:162:116:32:0 "eq=contrast=1.0" 2.5 "$WORK/f-speech.wav" mp4-tiny \
    "$FIXTURES/shortClip01.mp4"
echo "fixture noAudio0001 (face, no audio stream)"
fixture_clip noAudio0001 obama:500:375:50:0:0 "eq=contrast=1.0" 3 "" mp4-tiny "$FIXTURES/noAudio0001.mp4"
echo "fixture noVideo0001 (AAC speech only)"
# shellcheck disable=SC2046
"${FF[@]}" -i "$WORK/m-speech.wav" -t 3 $(codec_args m4a-tiny) "${BITEXACT[@]}" "$FIXTURES/noVideo0001.mp4"
echo "fixture noFace00001 (landscape, speech, no face)"
fixture_clip noFace00001 landscape "" 3 "$WORK/m-speech.wav" mp4-tiny "$FIXTURES/noFace00001.mp4"
echo "fixture truncated01 (first 40% of a clip with its moov atom at the end)"
fixture_clip truncated01 biden:412:309:146:66:0 "eq=contrast=1.0" 3 "$WORK/m-speech.wav" mp4-tail "$WORK/full.mp4"
full_size=$(stat -c %s "$WORK/full.mp4")
head -c $((full_size * 40 / 100)) "$WORK/full.mp4" >"$FIXTURES/truncated01.mp4"
if grep -q moov "$FIXTURES/truncated01.mp4"; then die "truncated01.mp4 still holds the moov atom"; fi
grep -q moov "$WORK/full.mp4" || die "the untruncated clip has no moov atom"
echo "fixture corrupt0001 (4 KiB of seeded noise, not media)"
"${FF[@]}" -f lavfi -i "anoisesrc=color=white:seed=20240611:sample_rate=8000:amplitude=1" -t 0.512 \
    -f u8 -ac 1 -ar 8000 -c:a pcm_u8 "$WORK/noise.raw"
head -c 4096 "$WORK/noise.raw" >"$FIXTURES/corrupt0001.mp4"
[[ $(stat -c %s "$FIXTURES/corrupt0001.mp4") -eq 4096 ]] || die "corrupt0001.mp4 is not 4096 bytes"

{
    echo "shortClip01,0.000000,2.500000,$(fixture_xy shortClip01 0)"
    echo "noAudio0001,0.000000,2.500000,$(fixture_xy noAudio0001 0)"
    echo "noVideo0001,0.000000,2.500000,0.500000,0.500000"
    echo "truncated01,0.000000,2.500000,$(fixture_xy truncated01 0)"
    echo "corrupt0001,0.000000,2.500000,0.500000,0.500000"
    echo "noFace00001,0.000000,2.500000,0.500000,0.500000"
    echo "notHere0001,0.000000,2.500000,0.500000,0.500000"
    echo "shortClip01,5.000000,7.500000,$(fixture_xy shortClip01 2.5)"
    echo "shortClip01,0.000000,2.500000,0.500000"
    echo "shortClip01,NaN,2.500000,$(fixture_xy shortClip01 0)"
    echo "shortClip01,2.000000,1.000000,$(fixture_xy shortClip01 2)"
    echo "../../etc/p,0.000000,2.500000,0.500000,0.500000"
    echo "..%2F..%2Fxx,0.000000,2.500000,0.500000,0.500000"
} >"$FIXTURES/fixtures.csv"

# ---------------------------------------------------------------------------------------------------------------
# Self-check: streams, sizes and durations as intended; the whole sample stays small enough to ship in git.
# ---------------------------------------------------------------------------------------------------------------
probe() { ffprobe -v error -show_entries "$2" -of csv=p=0 "$1" | paste -sd' '; }
for clip in "${CLIPS[@]}"; do
    IFS='|' read -r id _ _ _ _ _ _ _ size dur _ _ _ ext _ <<<"$clip"
    f="$VIDEOS/$id.$ext"
    [[ "$(probe "$f" stream=codec_type)" == "video audio" ]] || die "$f should hold one video and one audio stream"
    [[ "$(probe "$f" stream=width,height | cut -d' ' -f1 | tr , x)" == "$size" ]] || die "$f is not $size"
    d="$(probe "$f" format=duration)"
    holds "$d > $dur - 0.1 && $d < $dur + 0.1" || die "$f lasts $d s, not $dur s"
done
[[ "$(probe "$FIXTURES/noAudio0001.mp4" stream=codec_type)" == video ]] || die "noAudio0001.mp4 should be video only"
[[ "$(probe "$FIXTURES/noVideo0001.mp4" stream=codec_type)" == audio ]] || die "noVideo0001.mp4 should be audio only"
for f in noFace00001 shortClip01; do
    [[ "$(probe "$FIXTURES/$f.mp4" stream=codec_type)" == "video audio" ]] || die "$f.mp4 should hold video and audio"
done
for f in truncated01 corrupt0001; do
    if ffprobe -v quiet "$FIXTURES/$f.mp4"; then die "ffprobe opens $f.mp4, which should be unreadable"; fi
done
total=$(du -cb "$HERE" "$FIXTURES" | tail -n1 | cut -f1)
((total < 2621440)) || die "the sample and fixtures take $total bytes, over the 2.5 MiB budget"

echo
echo "id          split gender file"
for clip in "${CLIPS[@]}"; do
    IFS='|' read -r id gender split _ _ _ _ _ _ _ _ _ _ ext _ <<<"$clip"
    printf '%s %-5s %-6s videos/%s.%s\n' "$id" "$split" "$gender" "$id" "$ext"
done
du -ch "$HERE" "$FIXTURES" | tail -n1
