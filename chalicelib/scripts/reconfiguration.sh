#!/usr/bin/env bash
# Cluster Manager reconfiguration script.
# Configures a namespace's database and storage plans, ingress, registry and
# proxy through the Cluster Manager API; needs only bash and curl.
# Paste it into a bash terminal, or save it as reconfigure.sh and run
#   bash reconfigure.sh            (interactive)
#   bash reconfigure.sh --help     (the non-interactive form, for automation)
# It can be run again at any time. It holds this namespace's credentials:
# keep it as private as a password.

[ -n "${BASH_VERSION:-}" ] || echo "This script needs bash: run it with   bash reconfigure.sh" >&2

# A subshell: pasted into a terminal, bash reads all of it before running it,
# and neither "exit" nor a failure closes the terminal.
(
set -euo pipefail
set -o errtrace  # run the ERR trap for failures inside functions too

# --- header: this namespace's values and the catalogue, filled in for each namespace ---
# The values below are literal text (shell-quoted): nothing in them is expanded.
# shellcheck disable=SC2016
{
API_URL=""
CLUSTER_ID=""
NAMESPACE=""
NAMESPACE_ID=""
AGENT_SECRET=""
CLUSTER_TYPE=""
PLATFORM=""
S3_POLICY=""
# The catalogue: what can be configured, one entry per line below.
# Items (plan kinds and configuration sections), by position:
G_NAME=() G_LABEL=() G_PROMPT=() G_KEY=() G_METAVAR=() G_PLAN=()
# Variants (plan types, or values of an item's G_KEY): V_GROUP is the item's
# position; V_WORD the value as an option takes it; V_REFUSED why this
# cluster cannot use it ("" when it can).
V_GROUP=() V_VALUE=() V_JSON=() V_WORD=() V_LABEL=() V_NOTE=() V_HINT=() V_REQUIRES=()
V_REFUSED=()
# Fields of the variants: F_VARIANT is the variant's position; F_PROMPT ""
# means not asked (an option only); F_ENV is a secret's environment variable.
F_VARIANT=() F_NAME=() F_LABEL=() F_OPTION=() F_PROMPT=() F_TYPE=() F_REQUIRED=() F_SECRET=()
F_DEFAULT=() F_DEFAULT_FROM=() F_GOES_WITH=() F_MIN=() F_MAX=() F_METAVAR=() F_ENV=()
F_DESCRIPTION=()
# A plan's name: its question and what it is (the option is <kind>-plan).
NAME_PROMPT="" NAME_METAVAR="" NAME_DESCRIPTION=""
}
# --- end of header ---

NS_PATH="/clusters/$CLUSTER_ID/namespaces/$NAMESPACE"

# --- state --------------------------------------------------------------------
NON_INTERACTIVE=0
SHOW_HELP=0
CONFIG_FILE=""
IN=0             # the file descriptor answers are read from
BACK=0           # 1: the user chose "Go back to the start"
OK=0             # 1: the last submission was saved
CHOICE=0
SUMMARY_DUE=0
RESULTS=()       # what each saved submission did, for the summary
FAILURES=()      # what could not be saved (non-interactive form)
J_PATHS=() J_VALUES=()   # the last parsed JSON document, flattened
C_PATHS=() C_VALUES=()   # the namespace's current configuration, flattened
PLAN_NAMES=() PLAN_KINDS=() PLAN_TYPES=() PLAN_ACTIVE=() # its plans, by position
# options by "flag:<name>" (command line) or "file:<name>" (--config file), and
# the answers given in this run by "answer:<name>" (offered when asked again)
OPT_KEYS=() OPT_VALUES=()
OPTIONS=" "      # every option the script takes, as " <name>:<item's position> ..."
SECRETS=" "      # the options that are secrets, likewise (never taken on the command line)
PROBLEMS=()
FAILED_REASON="" # why the last submission was not saved
ITEM_WHAT=() ITEM_METHOD=() ITEM_PATH=() ITEM_BODY=()
ITEM_TARGET=""   # where the item being built is saved
BODY=()          # the item being built: json_object's KEY VALUE pairs
TITLE=""         # ... and what it is called in messages and the summary
MISSING=""       # the required options the item being checked lacks
# --- output -------------------------------------------------------------------

say() {
  printf '%s\n' "$*"
}

warn() {
  printf '%s\n' "$*" >&2
}

die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

usage_error() {
  printf 'ERROR: %s\nRun   bash reconfigure.sh --help   to see the options. Nothing was changed.\n' "$1" >&2
  exit 2
}

# shellcheck disable=SC2329  # called from a trap (shellcheck misses that in a subshell)
on_error() {
  local code=$?
  printf '\nERROR: the script stopped unexpectedly (exit code %s, line %s).\n' "$code" "$1" >&2
  printf 'Changes shown as saved above are saved; running the script again is safe.\n' >&2
  exit "$code"
}

# shellcheck disable=SC2329  # called from a trap (shellcheck misses that in a subshell)
on_exit() {
  if [ "$SUMMARY_DUE" = 1 ]; then
    SUMMARY_DUE=0
    print_summary
  fi
}

# shellcheck disable=SC2329  # called from a trap (shellcheck misses that in a subshell)
print_summary() {
  local i
  printf '\nSummary of this run (namespace %s):\n' "$NAMESPACE"
  if [ "${#RESULTS[@]}" -eq 0 ] && [ "${#FAILURES[@]}" -eq 0 ]; then
    printf '  nothing was changed\n'
  fi
  for ((i = 0; i < ${#RESULTS[@]}; i++)); do
    printf '  %s\n' "${RESULTS[i]}"
  done
  for ((i = 0; i < ${#FAILURES[@]}; i++)); do
    printf '  NOT SAVED: %s\n' "${FAILURES[i]}"
  done
  if [ "${#RESULTS[@]}" -gt 0 ]; then
    printf 'A connected agent gets the new configuration at once; otherwise it gets it when it connects.\n'
  fi
}

trap 'on_error "$LINENO"' ERR
trap on_exit EXIT
trap 'printf "\nStopped.\n"; exit 130' INT

# --- JSON ---------------------------------------------------------------------

# json_quote VALUE: REPLY is VALUE as a JSON string, quotes included.
json_quote() {
  local s=$1 bs=\\ q='"' c hex i
  s=${s//"$bs"/"$bs$bs"}
  s=${s//"$q"/"$bs$q"}
  s=${s//$'\n'/"\\n"}
  s=${s//$'\r'/"\\r"}
  s=${s//$'\t'/"\\t"}
  for ((i = 1; i < 32; i++)); do
    printf -v hex '%02x' "$i"
    printf -v c '%b' "\\x$hex"
    if [[ $s == *"$c"* ]]; then
      s=${s//"$c"/"\\u00$hex"}
    fi
  done
  REPLY="\"$s\""
}

# json_object KEY VALUE...: REPLY is a JSON object of the pairs. A KEY written
# as "#key" takes VALUE as it is (a number or true/false the caller checked);
# one written as "?key" is left out when VALUE is empty.
json_object() {
  local out="" key value
  while [ "$#" -ge 2 ]; do
    key=$1
    case $key in
      '?'*)
        key=${key#'?'}
        if [ -z "$2" ]; then
          shift 2
          continue
        fi
        json_quote "$2"
        value=$REPLY
        ;;
      '#'*)
        key=${key#'#'}
        value=$2
        ;;
      *)
        json_quote "$2"
        value=$REPLY
        ;;
    esac
    json_quote "$key"
    out+="${out:+,}$REPLY:$value"
    shift 2
  done
  REPLY="{$out}"
}

# utf8 CODEPOINT: REPLY is that character, UTF-8 encoded.
utf8() {
  local cp=$1 fmt
  if ((cp < 0x80)); then
    printf -v fmt '\\x%02x' "$cp"
  elif ((cp < 0x800)); then
    printf -v fmt '\\x%02x\\x%02x' $((0xC0 | cp >> 6)) $((0x80 | (cp & 0x3F)))
  elif ((cp < 0x10000)); then
    printf -v fmt '\\x%02x\\x%02x\\x%02x' $((0xE0 | cp >> 12)) $((0x80 | (cp >> 6 & 0x3F))) \
      $((0x80 | (cp & 0x3F)))
  else
    printf -v fmt '\\x%02x\\x%02x\\x%02x\\x%02x' $((0xF0 | cp >> 18)) $((0x80 | (cp >> 12 & 0x3F))) \
      $((0x80 | (cp >> 6 & 0x3F))) $((0x80 | (cp & 0x3F)))
  fi
  printf -v REPLY '%b' "$fmt"
}

# json_unescape RAW: REPLY is the text of a JSON string's inside.
json_unescape() {
  local s=$1 out="" c hex cp low
  local re_hex='^[0-9a-fA-F]{4}' re_low='^\\u([dD][c-fC-F][0-9a-fA-F]{2})'
  while [[ $s == *"\\"* ]]; do
    out+=${s%%"\\"*}
    s=${s#*"\\"}
    c=${s:0:1}
    s=${s:1}
    case $c in
      n) out+=$'\n' ;;
      t) out+=$'\t' ;;
      r) out+=$'\r' ;;
      b) out+=$'\b' ;;
      f) out+=$'\f' ;;
      u)
        if [[ $s =~ $re_hex ]]; then
          hex=${s:0:4}
          s=${s:4}
          cp=$((16#$hex))
          if ((cp >= 0xD800 && cp <= 0xDBFF)) && [[ $s =~ $re_low ]]; then
            low=$((16#${BASH_REMATCH[1]}))
            s=${s:6}
            cp=$((0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)))
          fi
          utf8 "$cp"
          out+=$REPLY
        else
          out+='\u'
        fi
        ;;
      *) out+=$c ;;
    esac
  done
  REPLY=$out$s
}

# json_parse TEXT: flattens a JSON document into J_PATHS/J_VALUES, one entry
# per string, number, true/false or null (as ""), its path joined with dots:
# {"a":{"b":[1,"x"]}} gives a.b.0=1 and a.b.1=x. Returns 1 if TEXT is not JSON.
# It reads through a window of the text (bash copies a whole string on every
# substring, so a window keeps each step cheap); a token longer than the
# window widens it.
json_parse() {
  local LC_ALL=C # bytes, not characters: faster, and the API's JSON is ASCII anyway
  local doc=$1 pos=0 size win=2048 s depth=0 expect_key=0 c path i
  local re_string='^"(([^"\\]|\\.)*)"' re_scalar='^(-?[0-9][-+.eE0-9]*|true|false|null)[^-+.eE0-9a-z]'
  local -a kinds=() keys=()
  J_PATHS=()
  J_VALUES=()
  size=${#doc}
  s=${doc:0:win}
  while :; do
    if ((${#s} < 512 && pos + ${#s} < size)); then
      s=${doc:pos:win}
    fi
    c=${s:0:1}
    case $c in
      '')
        break
        ;;
      ' ' | $'\n' | $'\t' | $'\r' | ':')
        s=${s:1}
        pos=$((pos + 1))
        continue
        ;;
      '{' | '[')
        depth=$((depth + 1))
        if [ "$c" = '{' ]; then
          kinds[depth]=o
          keys[depth]=""
          expect_key=1
        else
          kinds[depth]=a
          keys[depth]=0
          expect_key=0
        fi
        s=${s:1}
        pos=$((pos + 1))
        continue
        ;;
      '}' | ']')
        if ((depth == 0)); then
          return 1
        fi
        depth=$((depth - 1))
        expect_key=0
        s=${s:1}
        pos=$((pos + 1))
        continue
        ;;
      ',')
        if ((depth == 0)); then
          return 1
        fi
        if [ "${kinds[depth]}" = a ]; then
          keys[depth]=$((keys[depth] + 1))
        else
          expect_key=1
        fi
        s=${s:1}
        pos=$((pos + 1))
        continue
        ;;
      '"')
        while ! [[ $s =~ $re_string ]]; do
          if ((pos + ${#s} >= size)); then
            return 1
          fi
          win=$((win * 2))
          s=${doc:pos:win}
        done
        s=${s:${#BASH_REMATCH[0]}}
        pos=$((pos + ${#BASH_REMATCH[0]}))
        json_unescape "${BASH_REMATCH[1]}"
        if [ "$expect_key" = 1 ]; then
          keys[depth]=$REPLY
          expect_key=0
          continue
        fi
        ;;
      *)
        # a number or literal ends before the next character that is not part
        # of it (a space, ',', ']' or '}'); at the very end there is none
        [[ "$s " =~ $re_scalar ]] || return 1
        REPLY=${BASH_REMATCH[1]}
        s=${s:${#REPLY}}
        pos=$((pos + ${#REPLY}))
        if [ "$REPLY" = null ]; then
          REPLY=""
        fi
        ;;
    esac
    path=""
    for ((i = 1; i <= depth; i++)); do
      path+="${path:+.}${keys[i]}"
    done
    J_PATHS+=("$path")
    J_VALUES+=("$REPLY")
  done
  if ((depth != 0)); then
    return 1
  fi
}

# json_get PATH: REPLY is the value at PATH of the last parsed document.
json_get() {
  local i
  for ((i = 0; i < ${#J_PATHS[@]}; i++)); do
    if [ "${J_PATHS[i]}" = "$1" ]; then
      REPLY=${J_VALUES[i]}
      return 0
    fi
  done
  REPLY=""
  return 1
}

# cfg_get PATH: REPLY is the value at PATH of the current configuration.
cfg_get() {
  local i
  for ((i = 0; i < ${#C_PATHS[@]}; i++)); do
    if [ "${C_PATHS[i]}" = "$1" ]; then
      REPLY=${C_VALUES[i]}
      return 0
    fi
  done
  REPLY=""
  return 1
}

# --- the Cluster Manager API ------------------------------------------------------

# cfg_quote TEXT: REPLY is TEXT for a double-quoted value in a curl config file.
cfg_quote() {
  local s=$1 bs=\\ q='"'
  s=${s//"$bs"/"$bs$bs"}
  REPLY=${s//"$q"/"$bs$q"}
}

# api METHOD PATH [BODY]: one request; sets HTTP_STATUS and HTTP_BODY. Returns
# 1 when the API could not be reached (REPLY says why). The credentials go to
# curl in a config file read from a pipe, the body on stdin: neither is ever on
# a command line, where other users of the machine could see it.
api() {
  local method=$1 path=$2 body=${3-} config out rc=0 mark="__CM_HTTP_STATUS__"
  cfg_quote "$API_URL$path"
  config="url = \"$REPLY\""$'\n'
  cfg_quote "Authorization: Agent $NAMESPACE_ID:$AGENT_SECRET"
  config+="header = \"$REPLY\""$'\n'
  config+="request = \"$method\""$'\n'
  config+='header = "Accept: application/json"'$'\n'
  if [ -n "$body" ]; then
    config+='header = "Content-Type: application/json"'$'\n'
    config+='data-binary = "@-"'$'\n'
  fi
  out=$(printf '%s' "$body" | curl --silent --show-error --connect-timeout 15 --max-time 60 \
    --user-agent "cluster-manager-reconfiguration-script" --write-out "\\n$mark%{http_code}" \
    --config <(printf '%s' "$config") 2>&1) || rc=$?
  HTTP_STATUS=${out##*"$mark"}
  HTTP_BODY=${out%"$mark"*}
  HTTP_BODY=${HTTP_BODY%$'\n'}
  if [ "$rc" != 0 ] || [[ ! $HTTP_STATUS =~ ^[1-5][0-9][0-9]$ ]]; then
    REPLY=${HTTP_BODY:-"curl exit code $rc"}
    HTTP_STATUS=""
    return 1
  fi
  return 0
}

# api_message: REPLY is what the API said was wrong with the last request.
api_message() {
  local message
  if json_parse "$HTTP_BODY" && json_get message && [ -n "$REPLY" ]; then
    message=$REPLY
    if json_get error && [ -n "$REPLY" ]; then
      REPLY="$message (HTTP $HTTP_STATUS, $REPLY)"
    else
      REPLY="$message (HTTP $HTTP_STATUS)"
    fi
  else
    REPLY="the API answered HTTP $HTTP_STATUS: ${HTTP_BODY:0:300}"
  fi
  if [ "$HTTP_STATUS" = 401 ]; then
    REPLY="$REPLY
This script's namespace credentials were not accepted; they may have been rotated.
Copy the reconfiguration script again from the namespace's Installation tab."
  fi
}

# load_configuration: reads the namespace's current configuration into
# C_PATHS/C_VALUES; returns 1 (REPLY says why) when it cannot.
load_configuration() {
  if ! api GET "$NS_PATH/configuration"; then
    REPLY="cannot reach the Cluster Manager API at $API_URL: $REPLY"
    return 1
  fi
  if [ "$HTTP_STATUS" != 200 ]; then
    api_message
    return 1
  fi
  if ! json_parse "$HTTP_BODY"; then
    REPLY="the API answered something that is not JSON: ${HTTP_BODY:0:300}"
    return 1
  fi
  C_PATHS=(${J_PATHS[@]+"${J_PATHS[@]}"})
  C_VALUES=(${J_VALUES[@]+"${J_VALUES[@]}"})
  PLAN_NAMES=() PLAN_KINDS=() PLAN_TYPES=() PLAN_ACTIVE=()
  local i re='^plans\.([0-9]+)\.(name|kind|type|active)$'
  for ((i = 0; i < ${#C_PATHS[@]}; i++)); do
    if [[ ${C_PATHS[i]} =~ $re ]]; then
      case ${BASH_REMATCH[2]} in
        name) PLAN_NAMES[BASH_REMATCH[1]]=${C_VALUES[i]} ;;
        kind) PLAN_KINDS[BASH_REMATCH[1]]=${C_VALUES[i]} ;;
        type) PLAN_TYPES[BASH_REMATCH[1]]=${C_VALUES[i]} ;;
        *) PLAN_ACTIVE[BASH_REMATCH[1]]=${C_VALUES[i]} ;;
      esac
    fi
  done
}

# submit WHAT METHOD PATH BODY: saves one item and reports what the API did.
# OK=1 when it was saved; otherwise OK=0 and the reason is shown.
submit() {
  local what=$1 result i
  OK=0
  if ! api "$2" "$3" "$4"; then
    warn "$what was not saved: cannot reach the Cluster Manager API at $API_URL: $REPLY"
    FAILED_REASON="cannot reach the API"
    return 0
  fi
  case $HTTP_STATUS in
    2??)
      result="saved"
      if json_parse "$HTTP_BODY" && json_get result && [ -n "$REPLY" ]; then
        result=$REPLY
      fi
      say "$what: $result"
      for ((i = 0; i < ${#J_PATHS[@]}; i++)); do
        if [[ ${J_PATHS[i]} == settings.* ]] && [ -n "${J_VALUES[i]}" ]; then
          say "    ${J_PATHS[i]#settings.}: ${J_VALUES[i]}"
        fi
      done
      RESULTS+=("$what: $result")
      OK=1
      ;;
    401)
      api_message
      die "$what was not saved: $REPLY"
      ;;
    *)
      api_message
      warn "$what was not saved: $REPLY"
      FAILED_REASON=$REPLY
      ;;
  esac
}

# --- interactive questions --------------------------------------------------------

input_ended() {
  printf '\n'
  die "the input ended before all questions were answered; stopped."
}

trim() {
  local s=$1
  s=${s#"${s%%[^[:space:]]*}"}
  REPLY=${s%"${s##*[^[:space:]]}"}
}

read_line() {
  printf '%s' "$1"
  if ! IFS= read -r -u "$IN" REPLY; then
    input_ended
  fi
}

# menu TITLE [--exit] OPTION...: CHOICE is the number the user typed (0 is
# "Exit", offered with --exit). Anything else is asked again.
menu() {
  local title=$1 low=1 n i option
  shift
  if [ "$1" = --exit ]; then
    low=0
    shift
  fi
  n=$#
  printf '\n%s\n' "$title"
  i=1
  for option in "$@"; do
    printf '  %s) %s\n' "$i" "$option"
    i=$((i + 1))
  done
  if [ "$low" = 0 ]; then
    printf '  0) Exit\n'
  fi
  while :; do
    read_line "Type a number [$low-$n]: "
    trim "$REPLY"
    if [[ $REPLY =~ ^[0-9]{1,3}$ ]] && ((10#$REPLY >= low && 10#$REPLY <= n)); then
      CHOICE=$((10#$REPLY))
      return 0
    fi
    say "  '$REPLY' is not one of the choices: type a number from $low to $n."
  done
}

# ask LABEL [DEFAULT] [optional]: REPLY is the answer; Enter takes DEFAULT.
# An optional answer may be empty; "-" empties it when there is a default.
ask() {
  local label=$1 default=${2-} optional=${3-} prompt
  while :; do
    prompt=$label
    if [ -n "$default" ] && [ -n "$optional" ]; then
      prompt+=" [$default; '-' for none]"
    elif [ -n "$default" ]; then
      prompt+=" [$default]"
    fi
    read_line "$prompt: "
    trim "$REPLY"
    if [ -n "$REPLY" ]; then
      if [ -n "$optional" ] && [ "$REPLY" = "-" ]; then
        REPLY=""
      fi
      return 0
    fi
    if [ -n "$default" ]; then
      REPLY=$default
      return 0
    fi
    if [ -n "$optional" ]; then
      return 0
    fi
    say "  A value is required."
  done
}

# ask_number LABEL DEFAULT NAME MIN MAX [optional]: REPLY is a whole number
# from MIN to MAX (either may be empty: no bound).
ask_number() {
  local min=$4 max=$5
  while :; do
    ask "$1" "$2" "${6-}"
    if [ -z "$REPLY" ]; then
      return 0
    fi
    if [[ $REPLY =~ ^[0-9]{1,9}$ ]] && { [ -z "$min" ] || ((10#$REPLY >= min)); } &&
      { [ -z "$max" ] || ((10#$REPLY <= max)); }; then
      REPLY=$((10#$REPLY))
      return 0
    fi
    if [ -n "$min" ] && [ -n "$max" ]; then
      say "  The ${3//_/ } must be a number from $min to $max."
    else
      say "  The ${3//_/ } must be a whole number."
    fi
  done
}

# ask_secret LABEL [optional]: REPLY is the answer, read without echo.
ask_secret() {
  while :; do
    printf '%s (typing is hidden): ' "$1"
    if ! IFS= read -rs -u "$IN" REPLY; then
      input_ended
    fi
    printf '\n'
    if [ -n "$REPLY" ] || [ -n "${2-}" ]; then
      return 0
    fi
    say "  A value is required."
  done
}

# show_section NAME: prints the section's current settings.
show_section() {
  local i line=""
  for ((i = 0; i < ${#C_PATHS[@]}; i++)); do
    if [[ ${C_PATHS[i]} == "sections.$1.settings."* ]] && [ -n "${C_VALUES[i]}" ]; then
      line+="${line:+, }${C_PATHS[i]#"sections.$1.settings."}=${C_VALUES[i]}"
    fi
  done
  say "Current $1: ${line:-not configured}"
}

# show_plans KIND: prints the namespace's plans of that kind.
show_plans() {
  local n list="" state
  for ((n = 0; n < ${#PLAN_NAMES[@]}; n++)); do
    if [ "${PLAN_KINDS[n]-}" = "$1" ]; then
      state=inactive
      if [ "${PLAN_ACTIVE[n]-}" = true ]; then
        state=active
      fi
      list+="${list:+, }${PLAN_NAMES[n]} (${PLAN_TYPES[n]-}, $state)"
    fi
  done
  say "Current $1 plans: ${list:-none}"
}

# plan_index NAME: REPLY is the position of the plan of that name, or "".
plan_index() {
  local n
  for ((n = 0; n < ${#PLAN_NAMES[@]}; n++)); do
    if [ "${PLAN_NAMES[n]-}" = "$1" ]; then
      REPLY=$n
      return 0
    fi
  done
  REPLY=""
}

# plan_setting NAME KIND TYPE FIELD: REPLY is that existing plan's setting
# (empty unless the plan exists with that kind and type).
plan_setting() {
  local n
  plan_index "$1"
  n=$REPLY
  REPLY=""
  if [ -n "$n" ] && [ "${PLAN_KINDS[n]-}" = "$2" ] && [ "${PLAN_TYPES[n]-}" = "$3" ]; then
    cfg_get "plans.$n.settings.$4" || true
  fi
}

# plan_note NAME: prints a note when a plan of that name exists.
plan_note() {
  plan_index "$1"
  if [ -n "$REPLY" ]; then
    say "  Plan '$1' exists: its settings are offered as defaults, and saving updates it."
  fi
}

after_submit() {
  if [ "$OK" = 1 ]; then
    load_configuration || true
  else
    say "Answer again, or choose \"Go back to the start\"."
  fi
}


# --- the catalogue ------------------------------------------------------------

# join_words SEP LAST WORD...: REPLY is the words joined by SEP, the last
# two by LAST: join_words ", " " and " a b c gives "a, b and c".
join_words() {
  local sep=$1 last=$2
  shift 2
  REPLY=""
  while [ "$#" -gt 0 ]; do
    if [ -z "$REPLY" ]; then
      REPLY=$1
    elif [ "$#" -eq 1 ]; then
      REPLY+="$last$1"
    else
      REPLY+="$sep$1"
    fi
    shift
  done
}

# init_catalogue: OPTIONS and SECRETS from the catalogue. Every item is an
# option, a plan kind's plan name is <kind>-plan, every field is an option
# and a secret one is taken from <option>-file.
init_catalogue() {
  local g f
  for ((g = 0; g < ${#G_NAME[@]}; g++)); do
    OPTIONS+="${G_NAME[g]}:$g "
    if [ "${G_PLAN[g]}" = 1 ]; then
      OPTIONS+="${G_NAME[g]}-plan:$g "
    fi
  done
  for ((f = 0; f < ${#F_NAME[@]}; f++)); do
    g=${V_GROUP[F_VARIANT[f]]}
    if [ "${F_SECRET[f]}" = 1 ] && [[ $SECRETS != *" ${F_OPTION[f]}:"* ]]; then
      SECRETS+="${F_OPTION[f]}:$g "
      OPTIONS+="${F_OPTION[f]}-file:$g "
    elif [ "${F_SECRET[f]}" = 0 ] && [[ $OPTIONS != *" ${F_OPTION[f]}:"* ]]; then
      OPTIONS+="${F_OPTION[f]}:$g "
    fi
  done
}

# item_names LAST [labels|PREFIX]: REPLY is "database, storage ... LAST
# proxy": every item's name (with PREFIX), or its label.
item_names() {
  local -a words=()
  local g
  for ((g = 0; g < ${#G_NAME[@]}; g++)); do
    if [ "${2-}" = labels ]; then
      words+=("${G_LABEL[g]}")
    else
      words+=("${2-}${G_NAME[g]}")
    fi
  done
  join_words ", " " $1 " "${words[@]}"
}

# option_group OPTION: REPLY is the position of the item OPTION belongs to,
# or "" when there is no such option.
option_group() {
  REPLY=""
  if [[ $OPTIONS$SECRETS =~ \ "$1":([0-9]+)\  ]]; then
    REPLY=${BASH_REMATCH[1]}
  fi
}

# field_option VARIANT NAME: REPLY is the option of that variant's field NAME.
field_option() {
  local f
  REPLY=""
  for ((f = 0; f < ${#F_NAME[@]}; f++)); do
    if [ "${F_VARIANT[f]}" = "$1" ] && [ "${F_NAME[f]}" = "$2" ]; then
      REPLY=${F_OPTION[f]}
    fi
  done
}

on_off() {
  REPLY=off
  if [ "$1" = true ]; then REPLY=on; fi
}

# --- the item being built -------------------------------------------------------

# start_item VARIANT [PLAN_NAME]: BODY and TITLE for a new submission.
start_item() {
  local v=$1 g=${V_GROUP[$1]}
  if [ "${G_PLAN[g]}" = 1 ]; then
    BODY=(name "$2" kind "${G_NAME[g]}" type "${V_VALUE[v]}")
    TITLE="${G_LABEL[g]} plan '$2' (${V_LABEL[v]}"
  elif [ "${V_JSON[v]}" = boolean ]; then
    BODY=("#${G_KEY[g]}" "${V_VALUE[v]}")
    on_off "${V_VALUE[v]}"
    TITLE="${G_LABEL[g]} ($REPLY"
  else
    BODY=("${G_KEY[g]}" "${V_VALUE[v]}")
    TITLE="${G_LABEL[g]} (${V_LABEL[v]}"
  fi
}

# add_value FIELD VALUE: adds the field's value to BODY (nothing when it is
# empty); a boolean that is asked about is named in TITLE.
add_value() {
  local f=$1 value=$2
  if [ -z "$value" ]; then
    return 0
  fi
  case ${F_TYPE[f]} in
    integer) BODY+=("#${F_NAME[f]}" "$value") ;;
    boolean)
      BODY+=("#${F_NAME[f]}" "$value")
      if [ -n "${F_PROMPT[f]}" ]; then
        on_off "$value"
        TITLE+=", ${F_LABEL[f]} $REPLY"
      fi
      ;;
    *) BODY+=("${F_NAME[f]}" "$value") ;;
  esac
}

# value_of NAME: REPLY is the value BODY holds for the field NAME ("" if none).
value_of() {
  local i key
  REPLY=""
  for ((i = 0; i + 1 < ${#BODY[@]}; i += 2)); do
    key=${BODY[i]#[#?]}
    if [ "$key" = "$1" ]; then
      REPLY=${BODY[i + 1]}
    fi
  done
}

# item_request GROUP: how an item of GROUP is saved: REPLY is the method,
# ITEM_TARGET the path.
item_request() {
  if [ "${G_PLAN[$1]}" = 1 ]; then
    REPLY=POST
    ITEM_TARGET="$NS_PATH/plans"
  else
    REPLY=PUT
    ITEM_TARGET="$NS_PATH/configuration/${G_NAME[$1]}"
  fi
}

# --- interactive questions, continued ---------------------------------------------

# setting GROUP VARIANT PLAN FIELD [same]: REPLY is the field's current
# setting: that of the plan PLAN when it exists with this kind and type, or
# the section's. With "same", a section's only when it has this variant.
setting() {
  local g=$1 v=$2 name=${G_NAME[$1]}
  if [ "${G_PLAN[g]}" = 1 ]; then
    plan_setting "$3" "$name" "${V_VALUE[v]}" "$4"
    return 0
  fi
  if [ -n "${5-}" ]; then
    cfg_get "sections.$name.settings.${G_KEY[g]}" || true
    if [ "$REPLY" != "${V_VALUE[v]}" ]; then
      REPLY=""
      return 0
    fi
  fi
  cfg_get "sections.$name.settings.$4" || true
}

# ask_field GROUP VARIANT PLAN FIELD: asks for one field and adds the answer
# to BODY. A field without a question keeps its current setting (or is left
# out: the API applies its default); one that goes with another is asked only
# when that one was answered. Returns 1 for "Go back to the start".
ask_field() {
  local g=$1 v=$2 plan=$3 f=$4 default optional=""
  if [ -n "${F_GOES_WITH[f]}" ]; then
    value_of "${F_GOES_WITH[f]}"
    if [ -z "$REPLY" ]; then
      return 0
    fi
  fi
  if [ -z "${F_PROMPT[f]}" ]; then
    if [ "${F_SECRET[f]}" = 0 ]; then
      setting "$g" "$v" "$plan" "${F_NAME[f]}" same
      add_value "$f" "$REPLY"
    fi
    return 0
  fi
  if [ "${F_REQUIRED[f]}" = 0 ] && [ -z "${F_DEFAULT_FROM[f]}" ] && [ -z "${F_GOES_WITH[f]}" ]; then
    optional=optional
  fi
  if [ "${F_TYPE[f]}" = boolean ]; then
    menu "${F_PROMPT[f]}" "Yes" "No" "Go back to the start"
    case $CHOICE in
      1) add_value "$f" true ;;
      2) add_value "$f" false ;;
      *) return 1 ;;
    esac
    return 0
  fi
  if [ "${F_SECRET[f]}" = 1 ]; then
    ask_secret "${F_PROMPT[f]}" "$optional"
    add_value "$f" "$REPLY"
    return 0
  fi
  if ! opt_get "${F_OPTION[f]}" answer; then
    setting "$g" "$v" "$plan" "${F_NAME[f]}"
  fi
  default=${REPLY:-${F_DEFAULT[f]}}
  if [ -z "$default" ] && [ -n "${F_DEFAULT_FROM[f]}" ]; then
    value_of "${F_DEFAULT_FROM[f]}"
    default=$REPLY
  fi
  if [ "${F_TYPE[f]}" = integer ]; then
    ask_number "${F_PROMPT[f]}" "$default" "${F_NAME[f]}" "${F_MIN[f]}" "${F_MAX[f]}" "$optional"
  else
    ask "${F_PROMPT[f]}" "$default" "$optional"
  fi
  opt_set "answer:${F_OPTION[f]}" "$REPLY"
  add_value "$f" "$REPLY"
}

# configure_item GROUP: the questions of one item (a plan kind or a
# section), until it is saved or the user goes back to the start (BACK=1).
configure_item() {
  local g=$1 v f plan="" body
  local -a offered labels
  while :; do
    printf '\n== %s ==\n' "${G_LABEL[g]}"
    if [ "${G_PLAN[g]}" = 1 ]; then
      show_plans "${G_NAME[g]}"
    else
      show_section "${G_NAME[g]}"
    fi
    offered=()
    labels=()
    for ((v = 0; v < ${#V_GROUP[@]}; v++)); do
      if [ "${V_GROUP[v]}" = "$g" ] && [ -z "${V_REFUSED[v]}" ]; then
        offered+=("$v")
        labels+=("${V_LABEL[v]}")
      fi
    done
    menu "${G_PROMPT[g]}" ${labels[@]+"${labels[@]}"} "Go back to the start"
    if [ "$CHOICE" -gt "${#offered[@]}" ]; then
      BACK=1
      return 0
    fi
    v=${offered[CHOICE - 1]}
    if [ -n "${V_NOTE[v]}" ]; then
      say "${V_NOTE[v]}"
    fi
    if [ -n "${V_HINT[v]}" ]; then
      "hint_${V_HINT[v]}"
    fi
    if [ "${G_PLAN[g]}" = 1 ]; then
      opt_get "${G_NAME[g]}-plan" answer || true
      ask "$NAME_PROMPT" "$REPLY"
      plan=$REPLY
      opt_set "answer:${G_NAME[g]}-plan" "$plan"
      if [[ " ${F_VARIANT[*]-} " == *" $v "* ]]; then
        plan_note "$plan"
      fi
    fi
    start_item "$v" "$plan"
    for ((f = 0; f < ${#F_NAME[@]}; f++)); do
      if [ "${F_VARIANT[f]}" = "$v" ] && ! ask_field "$g" "$v" "$plan" "$f"; then
        BACK=1
        return 0
      fi
    done
    json_object "${BODY[@]}"
    body=$REPLY
    item_request "$g"
    submit "$TITLE)" "$REPLY" "$ITEM_TARGET" "$body"
    after_submit
    if [ "$OK" = 1 ]; then
      return 0
    fi
  done
}

# --- hints: longer explanations a variant names in the catalogue ------------------

# shellcheck disable=SC2329  # called by its name from the catalogue (configure_item)
hint_s3_policy() {
  say ""
  say "Amazon S3: every app gets its own bucket and its own IAM user, which can reach only that bucket."
  say "The IAM user whose access key you enter here needs this policy"
  say "(replace <account_id> with your 12-digit AWS account number):"
  printf '%s\n' "$S3_POLICY"
  say "The Cluster Manager API also serves it with your account number filled in, to the cluster's"
  say "creator (with your user token, Authorization: Bearer ...):"
  say "  GET $API_URL$NS_PATH/plans/s3-policy?account_id=<account_id>"
  say ""
}

run_interactive() {
  local g all one
  local -a labels=()
  # Answers come from the terminal, even when the script itself arrives on
  # stdin (curl ... | bash); without a terminal, from stdin.
  if [ ! -t 0 ] && (exec </dev/tty) 2>/dev/null; then
    exec 3</dev/tty
    IN=3
  fi
  say "Cluster Manager: configuring namespace $NAMESPACE"
  say "  cluster $CLUSTER_ID ($CLUSTER_TYPE${PLATFORM:+, platform $PLATFORM}), API $API_URL"
  if ! load_configuration; then
    die "cannot read the namespace's configuration: $REPLY"
  fi
  item_names and
  all=$REPLY
  item_names or
  one=$REPLY
  for ((g = 0; g < ${#G_NAME[@]}; g++)); do
    labels+=("${G_LABEL[g]}")
  done
  SUMMARY_DUE=1
  while :; do
    BACK=0
    menu "What do you want to do?" --exit \
      "Initial configuration: set up $all, one after the other" \
      "Reconfigure: change one of $one"
    case $CHOICE in
      0)
        break
        ;;
      1)
        for ((g = 0; g < ${#G_NAME[@]}; g++)); do
          configure_item "$g"
          if [ "$BACK" = 1 ]; then
            break
          fi
        done
        if [ "$BACK" = 0 ]; then
          say ""
          say "Initial configuration complete."
        fi
        ;;
      2)
        menu "What do you want to reconfigure?" "${labels[@]}" "Go back to the start"
        if [ "$CHOICE" -le "${#G_NAME[@]}" ]; then
          configure_item $((CHOICE - 1))
        fi
        ;;
    esac
  done
  exit 0
}

# --- the non-interactive form -------------------------------------------------------

# usage_option GROUP OPTION: the --help line of one field's option: the
# types (of those this cluster can use) that take it, unless all do; whether
# it is optional; what it is.
usage_option() {
  local g=$1 option=$2 v f n=0 all=0 required=0 left right="" default="" first=""
  local -a words=() marked=()
  for ((v = 0; v < ${#V_GROUP[@]}; v++)); do
    if [ "${V_GROUP[v]}" = "$g" ] && [ -z "${V_REFUSED[v]}" ]; then
      all=$((all + 1))
    fi
  done
  for ((f = 0; f < ${#F_NAME[@]}; f++)); do
    v=${F_VARIANT[f]}
    if [ "${F_OPTION[f]}" != "$option" ] || [ "${V_GROUP[v]}" != "$g" ] || [ -n "${V_REFUSED[v]}" ]; then
      continue
    fi
    first=${first:-$f}
    n=$((n + 1))
    words+=("${V_WORD[v]}")
    if [ "${F_REQUIRED[f]}" = 1 ]; then
      required=$((required + 1))
      marked+=("${V_WORD[v]}")
    else
      marked+=("${V_WORD[v]} (optional)")
    fi
  done
  if [ "$n" = 0 ]; then
    return 0
  fi
  f=$first
  if [ "$required" != 0 ] && [ "$required" != "$n" ]; then
    join_words ", " ", " "${marked[@]}"
    right=$REPLY
  elif [ "$n" != "$all" ]; then
    join_words ", " ", " "${words[@]}"
    right=$REPLY
  fi
  if [ -n "${F_GOES_WITH[f]}" ]; then
    field_option "${F_VARIANT[f]}" "${F_GOES_WITH[f]}"
    right+="${right:+; }with --$REPLY"
  elif [ "$required" = 0 ]; then
    right+="${right:+; }optional"
  fi
  right+="${right:+: }${F_DESCRIPTION[f]}"
  if [ -n "${F_DEFAULT[f]}" ]; then
    default=${F_DEFAULT[f]/#true/yes}
    default=${default/#false/no}
    if [ "$required" = 0 ]; then
      right+=" (default: $default)"
    else
      right+=" (e.g. $default)"
    fi
  fi
  if [ "${F_SECRET[f]}" = 1 ]; then
    left="--$option-file FILE"
    right+="; or ${F_ENV[f]}"
  else
    left="--$option ${F_METAVAR[f]}"
  fi
  printf '    %-30s %s\n' "$left" "$right"
}

# usage_options: the options of every item, from the catalogue.
usage_options() {
  local g v f seen limited
  local -a words
  for ((g = 0; g < ${#G_NAME[@]}; g++)); do
    if [ "${G_PLAN[g]}" = 1 ]; then
      say "  ${G_LABEL[g]} plan"
    else
      say "  ${G_LABEL[g]}"
    fi
    words=()
    limited=0
    for ((v = 0; v < ${#V_GROUP[@]}; v++)); do
      if [ "${V_GROUP[v]}" = "$g" ]; then
        if [ -n "${V_REQUIRES[v]}" ]; then
          limited=1
        fi
        if [ -z "${V_REFUSED[v]}" ]; then
          words+=("${V_WORD[v]}")
        fi
      fi
    done
    if [ "$limited" = 1 ]; then
      join_words ", " ", " ${words[@]+"${words[@]}"}
      printf '    %-30s this cluster: %s\n' "--${G_NAME[g]} ${G_METAVAR[g]}" "${REPLY:-none}"
    else
      join_words "|" "|" ${words[@]+"${words[@]}"}
      say "    --${G_NAME[g]} $REPLY"
    fi
    if [ "${G_PLAN[g]}" = 1 ]; then
      printf '    %-30s %s\n' "--${G_NAME[g]}-plan $NAME_METAVAR" "$NAME_DESCRIPTION"
    fi
    seen=" "
    for ((f = 0; f < ${#F_NAME[@]}; f++)); do
      if [ "${V_GROUP[F_VARIANT[f]]}" = "$g" ] && [[ $seen != *" ${F_OPTION[f]} "* ]]; then
        seen+="${F_OPTION[f]} "
        usage_option "$g" "${F_OPTION[f]}"
      fi
    done
  done
}

usage() {
  local text labels items keys f seen=" " secrets=""
  local -a names=()
  item_names and labels
  labels=$REPLY
  item_names and
  items=$REPLY
  for ((f = 0; f < ${#F_NAME[@]}; f++)); do
    if [ "${F_SECRET[f]}" = 1 ] && [[ $seen != *" ${F_OPTION[f]} "* ]]; then
      seen+="${F_OPTION[f]} "
      names+=("${F_OPTION[f]}")
      printf -v REPLY '    %-22s --%-30s or %s\n' "${F_OPTION[f]//-/ }" "${F_OPTION[f]}-file FILE" \
        "${F_ENV[f]}"
      secrets+=$REPLY
    fi
  done
  join_words ", " ", " ${names[@]+"${names[@]}"}
  keys=$REPLY
  # read + printf (builtins): the help works even where nothing else is installed
  IFS= read -r -d '' text <<EOF || true
Cluster Manager reconfiguration script for namespace $NAMESPACE
(cluster $CLUSTER_ID, $CLUSTER_TYPE${PLATFORM:+, platform $PLATFORM}; API $API_URL).

Configures the namespace's services: $items.
Needs only bash and curl. Safe to run again at any time.
It holds the namespace's credentials: keep it as private as a password.

INTERACTIVE (the default)
  bash reconfigure.sh            or paste the whole script into a bash terminal

  "What do you want to do?"  1) Initial configuration leads you through
  $labels in turn;
  2) Reconfigure jumps to one of them; 0) Exit. Type the number of your
  choice or the value asked for; Enter takes the [default] shown (the current
  setting). Passwords and keys are not echoed. "Go back to the start" returns
  to the first question. Each item is saved as soon as you answer it and the
  script says whether it was created, updated or unchanged; when the API
  refuses an answer it shows why and asks again. A plan whose name exists is
  updated. At the end it prints a summary of the changes.

NON-INTERACTIVE (automation)
  bash reconfigure.sh --non-interactive [--config FILE] [OPTIONS]

  Configures the items you give options for, in the order
  $items; other items are left as they are.
  All options are checked before anything is changed. Any item option or
  --config implies --non-interactive. Exit status: 0 all saved; 1 the API
  refused an item or could not be reached (the other items are still saved,
  the output says which); 2 wrong options (nothing changed).

EOF
  printf '%s' "$text"
  usage_options
  IFS= read -r -d '' text <<EOF || true
  Options take their value as --name VALUE or --name=VALUE; yes|no options
  also take true|false.

  Secrets are never taken on the command line, where other users and your
  shell history would see them. Each comes, in this order, from its *-file
  option (the file's content without trailing newlines), from the --config
  file, or from its environment variable:
$secrets
  --config FILE
    One KEY=VALUE per line. KEY is an option name without the dashes
    (database=postgres, database-plan=pg-main, storage-secret-key-file=...,
    ingress-tls=yes, ...; '_' may stand for '-') or one of the secrets
    $keys.
    Blank lines and lines starting with # are ignored; spaces around KEY and
    VALUE are dropped; a VALUE in matching '...' or "..." is taken exactly as
    written inside them. Nothing in the file is expanded or run. Options on
    the command line win over the file. Keep it private (chmod 600).

  -h, --help   this text

EXAMPLES
  bash reconfigure.sh --non-interactive --database postgres --database-plan pg-main \\
    --database-host db.example.com --database-port 5432 --database-name apps \\
    --database-user mendix --database-password-file ~/.secrets/pg-main \\
    --ingress ingress --ingress-domain apps.example.com --ingress-tls yes

  bash reconfigure.sh --config namespace.conf      with namespace.conf:
    storage=minio
    storage-plan=files
    storage-endpoint=https://minio.example.com
    storage-access-key=cluster-apps
    storage-secret-key="the secret key"
    proxy=no
EOF
  printf '%s' "$text"
}
opt_set() {
  local i
  for ((i = 0; i < ${#OPT_KEYS[@]}; i++)); do
    if [ "${OPT_KEYS[i]}" = "$1" ]; then
      OPT_VALUES[i]=$2
      return 0
    fi
  done
  OPT_KEYS+=("$1")
  OPT_VALUES+=("$2")
}

# opt_get NAME [STORE]: REPLY is the option's value (command line first, then
# the --config file; or from STORE); returns 1 when there is none.
opt_get() {
  local i store
  for store in ${2:-flag file}; do
    for ((i = 0; i < ${#OPT_KEYS[@]}; i++)); do
      if [ "${OPT_KEYS[i]}" = "$store:$1" ]; then
        REPLY=${OPT_VALUES[i]}
        return 0
      fi
    done
  done
  REPLY=""
  return 1
}

parse_args() {
  local arg name value
  while [ "$#" -gt 0 ]; do
    arg=$1
    shift
    case $arg in
      -h | --help)
        SHOW_HELP=1
        ;;
      --non-interactive)
        NON_INTERACTIVE=1
        ;;
      --*)
        name=${arg#--}
        if [[ $name == *=* ]]; then
          value=${name#*=}
          name=${name%%=*}
        elif [ "$#" -gt 0 ]; then
          value=$1
          shift
        else
          usage_error "$arg needs a value."
        fi
        if [ "$name" = config ]; then
          CONFIG_FILE=$value
        elif [[ $SECRETS == *" $name:"* ]]; then
          usage_error "secrets are not taken on the command line (other users and your shell history \
would see them): use --$name-file FILE, the --config file or the environment variable (see --help)."
        elif [[ $OPTIONS == *" $name:"* ]]; then
          opt_set "flag:$name" "$value"
        else
          usage_error "unknown option --$name."
        fi
        NON_INTERACTIVE=1
        ;;
      *)
        usage_error "unexpected argument '$arg'."
        ;;
    esac
  done
}

read_config_file() {
  local file=$1 line key value n=0
  if [ ! -f "$file" ] || [ ! -r "$file" ]; then
    usage_error "cannot read the config file '$file'."
  fi
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    trim "${line%$'\r'}"
    line=$REPLY
    case $line in
      '' | '#'*) continue ;;
    esac
    if [[ $line != *=* ]]; then
      usage_error "$file line $n is not KEY=VALUE."
    fi
    trim "${line%%=*}"
    key=${REPLY//_/-}
    trim "${line#*=}"
    value=$REPLY
    if [[ $value == \"*\" && ${#value} -ge 2 ]] || [[ $value == \'*\' && ${#value} -ge 2 ]]; then
      value=${value:1:${#value}-2}
    fi
    if [ "$key" = config ] || [ "$key" = non-interactive ]; then
      usage_error "$file line $n: '$key' cannot be set in the config file."
    elif [[ $OPTIONS$SECRETS == *" $key:"* ]]; then
      opt_set "file:$key" "$value"
    else
      usage_error "$file line $n: unknown key '$key'."
    fi
  done <"$file"
}

problem() {
  PROBLEMS+=("$1")
}

yes_no() {
  case $1 in
    yes | true | on) REPLY=true ;;
    no | false | off) REPLY=false ;;
    *) REPLY="" ;;
  esac
}

add_item() {
  ITEM_WHAT+=("$1")
  ITEM_METHOD+=("$2")
  ITEM_PATH+=("$3")
  ITEM_BODY+=("$4")
}

# given OPTION: whether OPTION was given (for a secret: OPTION-file or OPTION).
given() {
  opt_get "$1" || { [[ $SECRETS == *" $1:"* ]] && opt_get "$1-file"; }
}

# secret_value FIELD LABEL: REPLY is the secret, from --<option>-file, then
# <option> in the --config file, then the environment variable; when there
# is none, "LABEL needs ..." is a problem (unless the field is optional).
secret_value() {
  local f=$1 label=$2 name=${F_OPTION[$1]} env=${F_ENV[$1]} file
  if opt_get "$name-file"; then
    file=$REPLY
    if [ ! -f "$file" ] || [ ! -r "$file" ]; then
      problem "cannot read --$name-file '$file'."
      REPLY=""
      return 0
    fi
    REPLY=$(<"$file")
  elif ! opt_get "$name"; then
    REPLY=${!env-}
  fi
  if [ -z "$REPLY" ] && [ -n "$label" ]; then
    local what=${name#*-}
    problem "$label needs the ${what//-/ }: --$name-file FILE, $name= in the --config file, or $env."
  fi
}

# only GROUP LABEL ALLOWED: options of the item GROUP that are not in
# ALLOWED (" a b ") are problems; LABEL "" means the item itself was not given.
only() {
  local g=$1 label=$2 allowed=$3 i key
  for ((i = 0; i < ${#OPT_KEYS[@]}; i++)); do
    key=${OPT_KEYS[i]#*:}
    if [ "$key" = "${G_NAME[g]}" ] || [[ $allowed == *" $key "* ]]; then
      continue
    fi
    option_group "$key"
    if [ "$REPLY" != "$g" ]; then
      continue
    fi
    if [ -z "$label" ]; then
      problem "--$key needs --${G_NAME[g]}."
    else
      problem "--$key does not apply to $label."
    fi
  done
}

# check_field GROUP FIELD LABEL: the field's option into BODY; what is
# wrong with it into PROBLEMS, what is missing into MISSING.
check_field() {
  local g=$1 f=$2 label=$3 option=${F_OPTION[$2]} value partner
  if [ -n "${F_GOES_WITH[f]}" ]; then
    field_option "${F_VARIANT[f]}" "${F_GOES_WITH[f]}"
    partner=$REPLY
    value_of "${F_GOES_WITH[f]}"
    if [ -z "$REPLY" ]; then
      if given "$option"; then
        local what=${option#*-}
        problem "a ${G_NAME[g]} ${what//-/ } needs --$partner."
      fi
      return 0
    fi
    label="--$partner"
  fi
  if [ "${F_SECRET[f]}" = 1 ]; then
    if [ "${F_REQUIRED[f]}" = 0 ] && [ -z "${F_GOES_WITH[f]}" ]; then
      label=""
    fi
    secret_value "$f" "$label"
    add_value "$f" "$REPLY"
    return 0
  fi
  opt_get "$option" || true
  value=$REPLY
  case ${F_TYPE[f]} in
    boolean)
      yes_no "$value"
      if [ -z "$REPLY" ] && { [ -n "$value" ] || [ "${F_REQUIRED[f]}" = 1 ]; }; then
        problem "$label needs --$option yes or no."
      fi
      value=$REPLY
      ;;
    integer)
      if [ -n "$value" ] && { [[ ! $value =~ ^[0-9]{1,9}$ ]] ||
        { [ -n "${F_MIN[f]}" ] && ((10#$value < F_MIN[f])); } ||
        { [ -n "${F_MAX[f]}" ] && ((10#$value > F_MAX[f])); }; }; then
        if [ -n "${F_MIN[f]}" ] && [ -n "${F_MAX[f]}" ]; then
          problem "--$option must be a number from ${F_MIN[f]} to ${F_MAX[f]}, not '$value'."
        else
          problem "--$option must be a whole number, not '$value'."
        fi
        value=""
      elif [ -n "$value" ]; then
        value=$((10#$value))
      fi
      ;;
  esac
  if [ -z "$value" ] && [ -n "${F_DEFAULT_FROM[f]}" ]; then
    value_of "${F_DEFAULT_FROM[f]}"
    value=$REPLY
  fi
  if [ -z "$value" ] && [ "${F_REQUIRED[f]}" = 1 ] && [ "${F_TYPE[f]}" != boolean ]; then
    MISSING+="${MISSING:+, }--$option"
  fi
  add_value "$f" "$value"
}

# check_item GROUP: the item's options, checked, into ITEM_* (what is wrong
# into PROBLEMS); nothing when the item's own option is not given.
check_item() {
  local g=$1 v f chosen="" word label allowed=" " plan="" body
  local -a words=()
  if ! opt_get "${G_NAME[g]}"; then
    only "$g" "" " "
    return 0
  fi
  word=$REPLY
  for ((v = 0; v < ${#V_GROUP[@]}; v++)); do
    if [ "${V_GROUP[v]}" != "$g" ]; then
      continue
    fi
    words+=("${V_WORD[v]}")
    if [ "${V_JSON[v]}" = boolean ]; then
      yes_no "$word"
      if [ "$REPLY" = "${V_VALUE[v]}" ]; then
        chosen=$v
      fi
    elif [ "${word//_/-}" = "${V_WORD[v]}" ]; then
      chosen=$v
    fi
  done
  if [ -z "$chosen" ]; then
    join_words ", " " or " "${words[@]}"
    problem "--${G_NAME[g]} must be $REPLY, not '$word'."
    return 0
  fi
  v=$chosen
  label="--${G_NAME[g]} ${V_WORD[v]}"
  if [ -n "${V_REFUSED[v]}" ]; then
    problem "$label cannot be used on this cluster: ${V_REFUSED[v]}."
  fi
  if [ "${G_PLAN[g]}" = 1 ]; then
    allowed+="${G_NAME[g]}-plan "
  fi
  for ((f = 0; f < ${#F_NAME[@]}; f++)); do
    if [ "${F_VARIANT[f]}" = "$v" ]; then
      allowed+="${F_OPTION[f]} "
      if [ "${F_SECRET[f]}" = 1 ]; then
        allowed+="${F_OPTION[f]}-file "
      fi
    fi
  done
  only "$g" "$label" "$allowed"
  MISSING=""
  if [ "${G_PLAN[g]}" = 1 ]; then
    opt_get "${G_NAME[g]}-plan" || true
    plan=$REPLY
    if [ -z "$plan" ]; then
      MISSING="--${G_NAME[g]}-plan"
    fi
  fi
  start_item "$v" "$plan"
  for ((f = 0; f < ${#F_NAME[@]}; f++)); do
    if [ "${F_VARIANT[f]}" = "$v" ]; then
      check_field "$g" "$f" "$label"
    fi
  done
  if [ -n "$MISSING" ]; then
    problem "$label needs $MISSING."
  fi
  json_object "${BODY[@]}"
  body=$REPLY
  item_request "$g"
  add_item "$TITLE)" "$REPLY" "$ITEM_TARGET" "$body"
}

run_non_interactive() {
  local i g
  if [ -n "$CONFIG_FILE" ]; then
    read_config_file "$CONFIG_FILE"
  fi
  for ((g = 0; g < ${#G_NAME[@]}; g++)); do
    check_item "$g"
  done
  if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    printf 'ERROR: %s\n' "${PROBLEMS[@]}" >&2
    printf 'Run   bash reconfigure.sh --help   to see the options. Nothing was changed.\n' >&2
    exit 2
  fi
  if [ "${#ITEM_WHAT[@]}" -eq 0 ]; then
    item_names or --
    usage_error "nothing to configure: give at least one of $REPLY."
  fi
  say "Cluster Manager: configuring namespace $NAMESPACE (cluster $CLUSTER_ID) at $API_URL"
  SUMMARY_DUE=1
  for ((i = 0; i < ${#ITEM_WHAT[@]}; i++)); do
    FAILED_REASON=""
    submit "${ITEM_WHAT[i]}" "${ITEM_METHOD[i]}" "${ITEM_PATH[i]}" "${ITEM_BODY[i]}"
    if [ "$OK" != 1 ]; then
      FAILURES+=("${ITEM_WHAT[i]}: $FAILED_REASON")
    fi
  done
  if [ "${#FAILURES[@]}" -gt 0 ]; then
    exit 1
  fi
  exit 0
}

main() {
  if [ -z "$API_URL" ]; then
    die "this is the script's template, made for no namespace: copy the reconfiguration script from \
the namespace's Installation tab."
  fi
  init_catalogue
  parse_args "$@"
  if [ "$SHOW_HELP" = 1 ]; then
    usage
    exit 0
  fi
  if ! command -v curl >/dev/null 2>&1; then
    die "curl is not installed or not on your PATH; install it (e.g. apt-get install curl, \
yum install curl or brew install curl) and run this script again."
  fi
  if [ "$NON_INTERACTIVE" = 1 ]; then
    run_non_interactive
  else
    run_interactive
  fi
}

main "$@"
)
