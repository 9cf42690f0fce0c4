"""The reconfiguration script: configures a namespace's services (seed §3.4).

An interactive bash script ("What do you want to do?" 1 initial
configuration, 2 reconfigure one item, "Go back to the start" on every
menu) with a non-interactive form for automation (``--help``).  It needs
only bash and curl: request bodies are built by a JSON-string escaper in
bash, responses are read by a small JSON flattener in bash.

It talks to the Cluster Manager API with the namespace's own credentials
(``Authorization: Agent <namespace_id>:<secret>``), so it is a secret
itself, like the installation script.  As there, every rendered value is
``shlex.quote``d, and no secret ever reaches a command line: curl gets the
Authorization header from a ``--config`` process substitution and the
request body (passwords, keys) on stdin, both written by bash builtins.
Secrets typed by the user are read without echo; in the non-interactive
form they come from files, environment variables or the ``--config`` file,
never from arguments.

Pasted into a terminal, the whole script is one subshell: bash reads all of
it before running it (so its questions read what the user types next, not
the rest of the script), and ``exit`` never closes the user's terminal.
"""
import json
import re
import shlex

from chalicelib.domain.names import dns1123_problem
from chalicelib.domain.plans import s3_policy

CLUSTER_TYPES = ("openshift", "kubernetes")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_PLATFORM = re.compile(r"^[a-z0-9-]{1,32}$")
_URL = re.compile(r"^https?://\S+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def render_reconfiguration_script(*, api_url: str, cluster_id: str, namespace: str,
                                  namespace_id: str, agent_secret: str, cluster_type: str,
                                  platform: str | None) -> str:
    if cluster_type not in CLUSTER_TYPES:
        raise ValueError(f"cluster_type must be one of {list(CLUSTER_TYPES)}, not {cluster_type!r}")
    problem = dns1123_problem(namespace)
    if problem:  # it is part of URL paths, comments and messages, so it must be plain
        raise ValueError(f"namespace {namespace!r} {problem}")
    for name, value in (("cluster_id", cluster_id), ("namespace_id", namespace_id)):
        if not isinstance(value, str) or not _ID.match(value):
            raise ValueError(f"{name} must be 1-128 letters, digits, '_' or '-', not {value!r}")
    if platform is not None and not _PLATFORM.match(platform):
        raise ValueError(f"platform must be lowercase letters, digits or '-', not {platform!r}")
    if not isinstance(api_url, str) or not _URL.match(api_url) or _CONTROL.search(api_url):
        raise ValueError(f"api_url must be an http(s) URL without spaces, not {api_url!r}")
    if not agent_secret or _CONTROL.search(agent_secret):  # it goes into an HTTP header
        raise ValueError("agent_secret must be non-empty text without control characters")
    policy = json.dumps(s3_policy("<account_id>"), indent=4)
    platform_note = f", platform {platform}" if platform else ""
    header = f"""#!/usr/bin/env bash
# Cluster Manager reconfiguration script for namespace {namespace}
# (cluster {cluster_id}, {cluster_type}{platform_note}).
# Configures the namespace's database and storage plans, ingress, registry and
# proxy through the Cluster Manager API; needs only bash and curl.
# Paste it into a bash terminal, or save it as reconfigure.sh and run
#   bash reconfigure.sh            (interactive)
#   bash reconfigure.sh --help     (the non-interactive form, for automation)
# It can be run again at any time. It holds this namespace's credentials:
# keep it as private as a password.

[ -n "${{BASH_VERSION:-}}" ] || echo "This script needs bash: run it with   bash reconfigure.sh" >&2

# A subshell: pasted into a terminal, bash reads all of it before running it,
# and neither "exit" nor a failure closes the terminal.
(
set -euo pipefail
set -o errtrace  # run the ERR trap for failures inside functions too

# The values below are literal text (shell-quoted): nothing in them is expanded.
# shellcheck disable=SC2016
{{
API_URL={shlex.quote(api_url.rstrip("/"))}
CLUSTER_ID={shlex.quote(cluster_id)}
NAMESPACE={shlex.quote(namespace)}
NAMESPACE_ID={shlex.quote(namespace_id)}
AGENT_SECRET={shlex.quote(agent_secret)}
CLUSTER_TYPE={shlex.quote(cluster_type)}
PLATFORM={shlex.quote(platform or "")}
S3_POLICY={shlex.quote(policy)}
}}
"""
    return header + _BODY


# The script's logic: static bash (no Python formatting below this line).
_BODY = r'''NS_PATH="/clusters/$CLUSTER_ID/namespaces/$NAMESPACE"
SECTIONS_LABEL="database, storage, ingress, registry and proxy"
SECTIONS_CHOICE="database, storage, ingress, registry or proxy"

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
OPT_KEYS=() OPT_VALUES=() # options: "flag:<name>" (command line) or "file:<name>"
PROBLEMS=()
VALUES=()        # the values of the options "need" was asked for
FAILED_REASON="" # why the last submission was not saved
ITEM_WHAT=() ITEM_METHOD=() ITEM_PATH=() ITEM_BODY=()
# remembered answers: defaults when an item is asked again
DB_PLAN="" PG_HOST="" PG_PORT="" PG_DATABASE="" PG_USER=""
ST_PLAN="" MINIO_ENDPOINT="" S3_REGION="" ST_ACCESS_KEY=""
INGRESS_DOMAIN="" REG_PULL="" REG_PUSH="" REG_NAME=""
PROXY_HOST="" PROXY_PORT="" PROXY_USER="" PROXY_NO_PROXY=""

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

ask_port() {
  while :; do
    ask "$1" "${2-}"
    if [[ $REPLY =~ ^[0-9]{1,5}$ ]] && ((10#$REPLY >= 1 && 10#$REPLY <= 65535)); then
      REPLY=$((10#$REPLY))
      return 0
    fi
    say "  The port must be a number from 1 to 65535."
  done
}

# ask_secret LABEL: REPLY is the answer, read without echo.
ask_secret() {
  while :; do
    printf '%s (typing is hidden): ' "$1"
    if ! IFS= read -rs -u "$IN" REPLY; then
      input_ended
    fi
    printf '\n'
    if [ -n "$REPLY" ]; then
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

configure_database() {
  local body
  while :; do
    printf '\n== Database ==\n'
    show_plans database
    menu "Pick a database type:" "Postgres" "Ephemeral" "Go back to the start"
    case $CHOICE in
      1)
        ask "Plan name" "$DB_PLAN"
        DB_PLAN=$REPLY
        plan_note "$DB_PLAN"
        plan_setting "$DB_PLAN" database postgres host
        ask "Host" "${PG_HOST:-$REPLY}"
        PG_HOST=$REPLY
        plan_setting "$DB_PLAN" database postgres port
        ask_port "Port" "${PG_PORT:-${REPLY:-5432}}"
        PG_PORT=$REPLY
        plan_setting "$DB_PLAN" database postgres database
        ask "Database" "${PG_DATABASE:-$REPLY}"
        PG_DATABASE=$REPLY
        plan_setting "$DB_PLAN" database postgres user
        ask "User" "${PG_USER:-$REPLY}"
        PG_USER=$REPLY
        ask_secret "Password"
        json_object name "$DB_PLAN" kind database type postgres host "$PG_HOST" '#port' "$PG_PORT" \
          database "$PG_DATABASE" user "$PG_USER" password "$REPLY"
        body=$REPLY
        submit "Database plan '$DB_PLAN' (Postgres)" POST "$NS_PATH/plans" "$body"
        ;;
      2)
        say "Ephemeral: quick to set up, but the data in the database is lost when the environment restarts."
        ask "Plan name" "$DB_PLAN"
        DB_PLAN=$REPLY
        json_object name "$DB_PLAN" kind database type ephemeral
        body=$REPLY
        submit "Database plan '$DB_PLAN' (Ephemeral)" POST "$NS_PATH/plans" "$body"
        ;;
      *)
        BACK=1
        return 0
        ;;
    esac
    after_submit
    if [ "$OK" = 1 ]; then
      return 0
    fi
  done
}

print_s3_hint() {
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

configure_storage() {
  local body
  while :; do
    printf '\n== Storage ==\n'
    show_plans storage
    menu "Pick a storage type:" "MinIO" "Amazon S3" "Ephemeral" "Go back to the start"
    case $CHOICE in
      1)
        say "MinIO: a full MinIO server (not a MinIO Gateway)."
        ask "Plan name" "$ST_PLAN"
        ST_PLAN=$REPLY
        plan_note "$ST_PLAN"
        plan_setting "$ST_PLAN" storage minio endpoint
        ask "Endpoint (e.g. https://minio.example.com)" "${MINIO_ENDPOINT:-$REPLY}"
        MINIO_ENDPOINT=$REPLY
        plan_setting "$ST_PLAN" storage minio access_key
        ask "Access key" "${ST_ACCESS_KEY:-$REPLY}"
        ST_ACCESS_KEY=$REPLY
        ask_secret "Secret key"
        json_object name "$ST_PLAN" kind storage type minio endpoint "$MINIO_ENDPOINT" \
          access_key "$ST_ACCESS_KEY" secret_key "$REPLY"
        body=$REPLY
        submit "Storage plan '$ST_PLAN' (MinIO)" POST "$NS_PATH/plans" "$body"
        ;;
      2)
        print_s3_hint
        ask "Plan name" "$ST_PLAN"
        ST_PLAN=$REPLY
        plan_note "$ST_PLAN"
        plan_setting "$ST_PLAN" storage s3 region
        ask "Region (e.g. eu-west-1)" "${S3_REGION:-$REPLY}"
        S3_REGION=$REPLY
        plan_setting "$ST_PLAN" storage s3 access_key
        ask "Access key" "${ST_ACCESS_KEY:-$REPLY}"
        ST_ACCESS_KEY=$REPLY
        ask_secret "Secret key"
        json_object name "$ST_PLAN" kind storage type s3 region "$S3_REGION" \
          access_key "$ST_ACCESS_KEY" secret_key "$REPLY"
        body=$REPLY
        submit "Storage plan '$ST_PLAN' (Amazon S3)" POST "$NS_PATH/plans" "$body"
        ;;
      3)
        say "Ephemeral: quick to set up, but stored files are lost when the environment restarts."
        ask "Plan name" "$ST_PLAN"
        ST_PLAN=$REPLY
        json_object name "$ST_PLAN" kind storage type ephemeral
        body=$REPLY
        submit "Storage plan '$ST_PLAN' (Ephemeral)" POST "$NS_PATH/plans" "$body"
        ;;
      *)
        BACK=1
        return 0
        ;;
    esac
    after_submit
    if [ "$OK" = 1 ]; then
      return 0
    fi
  done
}

configure_ingress() {
  local kind label tls domain
  while :; do
    printf '\n== Ingress ==\n'
    show_section ingress
    if [ "$CLUSTER_TYPE" = openshift ]; then
      menu "Pick an ingress type:" "OpenShift Route" "Ingress" "Go back to the start"
      case $CHOICE in
        1) kind=openshift_route label="OpenShift Route" ;;
        2) kind=ingress label="Ingress" ;;
        *) kind="" ;;
      esac
    else
      menu "Pick an ingress type:" "Ingress" "Go back to the start"
      case $CHOICE in
        1) kind=ingress label="Ingress" ;;
        *) kind="" ;;
      esac
    fi
    if [ -z "$kind" ]; then
      BACK=1
      return 0
    fi
    domain=""
    if [ "$kind" = ingress ]; then
      cfg_get sections.ingress.settings.domain || true
      ask "Domain (apps get addresses under it, e.g. apps.example.com)" "${INGRESS_DOMAIN:-$REPLY}"
      INGRESS_DOMAIN=$REPLY
      domain=$REPLY
    fi
    menu "Enable TLS?" "Yes" "No" "Go back to the start"
    case $CHOICE in
      1) tls=true ;;
      2) tls=false ;;
      *)
        BACK=1
        return 0
        ;;
    esac
    json_object type "$kind" '?domain' "$domain" '#tls' "$tls"
    submit "Ingress ($label, TLS $([ "$tls" = true ] && echo on || echo off))" PUT \
      "$NS_PATH/configuration/ingress" "$REPLY"
    after_submit
    if [ "$OK" = 1 ]; then
      return 0
    fi
  done
}

configure_registry() {
  local -a labels types
  local kind label pull push name
  while :; do
    printf '\n== Registry ==\n'
    show_section registry
    labels=()
    types=()
    if [ "$CLUSTER_TYPE" = openshift ]; then
      labels+=("OpenShift 3 Registry" "OpenShift 4 Registry")
      types+=(openshift3 openshift4)
    fi
    if [ "$PLATFORM" = eks ]; then
      labels+=("Amazon Elastic Container Registry (AWS ECR)")
      types+=(ecr)
    fi
    labels+=("Generic registry with authentication" "Generic registry without authentication")
    types+=(generic_auth generic)
    menu "Pick a registry type:" "${labels[@]}" "Go back to the start"
    if [ "$CHOICE" -gt "${#types[@]}" ]; then
      BACK=1
      return 0
    fi
    kind=${types[CHOICE - 1]}
    label=${labels[CHOICE - 1]}
    pull="" push="" name=""
    case $kind in
      ecr | generic_auth | generic)
        cfg_get sections.registry.settings.pull_url || true
        ask "Pull URL (where the cluster pulls images from, e.g. registry.example.com/apps)" \
          "${REG_PULL:-$REPLY}"
        REG_PULL=$REPLY
        pull=$REPLY
        cfg_get sections.registry.settings.push_url || true
        REPLY=${REG_PUSH:-$REPLY}
        ask "Push URL (where images are pushed to)" "${REPLY:-$pull}"
        REG_PUSH=$REPLY
        push=$REPLY
        ;;
    esac
    if [ "$kind" = generic_auth ]; then
      cfg_get sections.registry.settings.name || true
      ask "Name (the registry user)" "${REG_NAME:-$REPLY}"
      REG_NAME=$REPLY
      name=$REPLY
      ask_secret "Secret (the registry password or token)"
      json_object type "$kind" pull_url "$pull" push_url "$push" name "$name" secret "$REPLY"
    else
      json_object type "$kind" '?pull_url' "$pull" '?push_url' "$push"
    fi
    submit "Registry ($label)" PUT "$NS_PATH/configuration/registry" "$REPLY"
    after_submit
    if [ "$OK" = 1 ]; then
      return 0
    fi
  done
}

configure_proxy() {
  local host port user password no_proxy
  while :; do
    printf '\n== Proxy ==\n'
    show_section proxy
    menu "Do you want to configure the proxy?" "Yes" "No" "Go back to the start"
    case $CHOICE in
      1)
        cfg_get sections.proxy.settings.host || true
        ask "Host (e.g. proxy.example.com)" "${PROXY_HOST:-$REPLY}"
        PROXY_HOST=$REPLY
        host=$REPLY
        cfg_get sections.proxy.settings.port || true
        ask_port "Port" "${PROXY_PORT:-$REPLY}"
        PROXY_PORT=$REPLY
        port=$REPLY
        cfg_get sections.proxy.settings.user || true
        ask "User (optional)" "${PROXY_USER:-$REPLY}" optional
        PROXY_USER=$REPLY
        user=$REPLY
        password=""
        if [ -n "$user" ]; then
          ask_secret "Password"
          password=$REPLY
        fi
        cfg_get sections.proxy.settings.no_proxy || true
        ask "No proxy (optional: comma-separated hosts or domains reached directly, e.g. localhost,.svc)" \
          "${PROXY_NO_PROXY:-$REPLY}" optional
        PROXY_NO_PROXY=$REPLY
        no_proxy=$REPLY
        json_object '#enabled' true host "$host" '#port' "$port" '?user' "$user" \
          '?password' "$password" '?no_proxy' "$no_proxy"
        submit "Proxy (on)" PUT "$NS_PATH/configuration/proxy" "$REPLY"
        ;;
      2)
        json_object '#enabled' false
        submit "Proxy (off)" PUT "$NS_PATH/configuration/proxy" "$REPLY"
        ;;
      *)
        BACK=1
        return 0
        ;;
    esac
    after_submit
    if [ "$OK" = 1 ]; then
      return 0
    fi
  done
}

run_interactive() {
  local item
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
  SUMMARY_DUE=1
  while :; do
    BACK=0
    menu "What do you want to do?" --exit \
      "Initial configuration: set up $SECTIONS_LABEL, one after the other" \
      "Reconfigure: change one of $SECTIONS_CHOICE"
    case $CHOICE in
      0)
        break
        ;;
      1)
        for item in database storage ingress registry proxy; do
          "configure_$item"
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
        menu "What do you want to reconfigure?" "Database" "Storage" "Ingress" "Registry" "Proxy" \
          "Go back to the start"
        case $CHOICE in
          1) configure_database ;;
          2) configure_storage ;;
          3) configure_ingress ;;
          4) configure_registry ;;
          5) configure_proxy ;;
          *) : ;;
        esac
        ;;
    esac
  done
  exit 0
}

# --- the non-interactive form -------------------------------------------------------

FLAG_OPTIONS=" database database-plan database-host database-port database-name database-user
  database-password-file storage storage-plan storage-endpoint storage-region storage-access-key
  storage-secret-key-file ingress ingress-domain ingress-tls registry registry-pull-url
  registry-push-url registry-name registry-secret-file proxy proxy-host proxy-port proxy-user
  proxy-password-file proxy-no-proxy "
SECRET_OPTIONS=" database-password storage-secret-key registry-secret proxy-password "

usage() {
  local ingresses="ingress"
  local registries="generic-auth, generic"
  if [ "$CLUSTER_TYPE" = openshift ]; then
    ingresses="openshift-route, ingress"
    registries="openshift3, openshift4, $registries"
  fi
  if [ "$PLATFORM" = eks ]; then
    registries="ecr, $registries"
  fi
  local text
  # read + printf (builtins): the help works even where nothing else is installed
  IFS= read -r -d '' text <<EOF || true
Cluster Manager reconfiguration script for namespace $NAMESPACE
(cluster $CLUSTER_ID, $CLUSTER_TYPE${PLATFORM:+, platform $PLATFORM}; API $API_URL).

Configures the namespace's services: database and storage plans, ingress,
registry and proxy. Needs only bash and curl. Safe to run again at any time.
It holds the namespace's credentials: keep it as private as a password.

INTERACTIVE (the default)
  bash reconfigure.sh            or paste the whole script into a bash terminal

  "What do you want to do?"  1) Initial configuration leads you through
  Database, Storage, Ingress, Registry and Proxy in turn; 2) Reconfigure jumps
  to one of them; 0) Exit. Type the number of your choice or the value asked
  for; Enter takes the [default] shown (the current setting). Passwords and
  keys are not echoed. "Go back to the start" returns to the first question.
  Each item is saved as soon as you answer it and the script says whether it
  was created, updated or unchanged; when the API refuses an answer it shows
  why and asks again. A plan whose name exists is updated. At the end it
  prints a summary of the changes.

NON-INTERACTIVE (automation)
  bash reconfigure.sh --non-interactive [--config FILE] [OPTIONS]

  Configures the items you give options for, in the order database, storage,
  ingress, registry, proxy; other items are left as they are. All options are
  checked before anything is changed. Any item option or --config implies
  --non-interactive. Exit status: 0 all saved; 1 the API refused an item or
  could not be reached (the other items are still saved, the output says
  which); 2 wrong options (nothing changed).

  Database plan
    --database postgres|ephemeral
    --database-plan NAME           plan name, e.g. pg-main (lowercase, digits, '-')
    --database-host HOST           postgres
    --database-port PORT           postgres, e.g. 5432
    --database-name NAME           postgres: the database
    --database-user USER           postgres
    --database-password-file FILE  postgres; or CM_DATABASE_PASSWORD
  Storage plan
    --storage minio|s3|ephemeral
    --storage-plan NAME            plan name
    --storage-endpoint URL         minio, e.g. https://minio.example.com
    --storage-region REGION        s3, e.g. eu-west-1
    --storage-access-key KEY       minio, s3
    --storage-secret-key-file FILE minio, s3; or CM_STORAGE_SECRET_KEY
  Ingress
    --ingress TYPE                 this cluster: $ingresses
    --ingress-domain DOMAIN        ingress (optional with openshift-route), e.g. apps.example.com
    --ingress-tls yes|no
  Registry
    --registry TYPE                this cluster: $registries
    --registry-pull-url URL        ecr, generic-auth, generic, e.g. registry.example.com/apps
    --registry-push-url URL        optional, default: the pull URL
    --registry-name USER           generic-auth
    --registry-secret-file FILE    generic-auth; or CM_REGISTRY_SECRET
  Proxy
    --proxy yes|no
    --proxy-host HOST              yes
    --proxy-port PORT              yes, e.g. 3128
    --proxy-user USER              optional
    --proxy-password-file FILE     with --proxy-user; or CM_PROXY_PASSWORD
    --proxy-no-proxy LIST          optional, e.g. localhost,.svc,10.0.0.0/8
  Options take their value as --name VALUE or --name=VALUE.

  Secrets (database password, storage secret key, registry secret, proxy
  password) are never taken on the command line, where other users and your
  shell history would see them. Each comes, in this order, from its *-file
  option (the file's content without trailing newlines), from the --config
  file, or from its environment variable (CM_DATABASE_PASSWORD,
  CM_STORAGE_SECRET_KEY, CM_REGISTRY_SECRET, CM_PROXY_PASSWORD).

  --config FILE
    One KEY=VALUE per line. KEY is an option name without the dashes
    (database=postgres, database-plan=pg-main, storage-secret-key-file=...,
    ingress-tls=yes, ...; '_' may stand for '-') or one of the secrets
    database-password, storage-secret-key, registry-secret, proxy-password.
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

# opt_get NAME: REPLY is the option's value (command line first, then the
# --config file); returns 1 when neither gives it.
opt_get() {
  local i store
  for store in flag file; do
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
        elif [[ $SECRET_OPTIONS == *" $name "* ]]; then
          usage_error "secrets are not taken on the command line (other users and your shell history \
would see them): use --$name-file FILE, the --config file or the environment variable (see --help)."
        elif [[ $FLAG_OPTIONS == *[[:space:]]"$name"[[:space:]]* ]]; then
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
    elif [[ $FLAG_OPTIONS == *[[:space:]]"$key"[[:space:]]* ]] || [[ $SECRET_OPTIONS == *" $key "* ]]; then
      opt_set "file:$key" "$value"
    else
      usage_error "$file line $n: unknown key '$key'."
    fi
  done <"$file"
}

problem() {
  PROBLEMS+=("$1")
}

# need TYPE NAME...: values of required options into VALUES; missing ones are problems.
need() {
  local label=$1 name missing=""
  shift
  VALUES=()
  for name in "$@"; do
    if opt_get "$name" && [ -n "$REPLY" ]; then
      VALUES+=("$REPLY")
    else
      VALUES+=("")
      missing+="${missing:+, }--$name"
    fi
  done
  if [ -n "$missing" ]; then
    problem "$label needs $missing."
  fi
}

# secret NAME ENV_NAME ENV_VALUE LABEL: REPLY is the secret, from --NAME-file,
# then NAME in the --config file, then the environment variable.
secret() {
  local name=$1 env_name=$2 env_value=$3 label=$4 file
  if opt_get "$name-file"; then
    file=$REPLY
    if [ ! -f "$file" ] || [ ! -r "$file" ]; then
      problem "cannot read --$name-file '$file'."
      REPLY=""
      return 0
    fi
    REPLY=$(<"$file")
  elif ! opt_get "$name"; then
    REPLY=$env_value
  fi
  if [ -z "$REPLY" ]; then
    local what=${name#*-}
    problem "$label needs the ${what//-/ }: --$name-file FILE, $name= in the --config file, or $env_name."
  fi
}

# only ITEM LABEL ALLOWED...: any other option of ITEM is a problem.
only() {
  local item=$1 label=$2 i key
  shift 2
  for ((i = 0; i < ${#OPT_KEYS[@]}; i++)); do
    key=${OPT_KEYS[i]#*:}
    if [[ $key == "$item-"* ]] && [[ " $* " != *" $key "* ]]; then
      if [ -z "$label" ]; then
        problem "--$key needs --$item."
      else
        problem "--$key does not apply to $label."
      fi
    fi
  done
}

yes_no() {
  case $1 in
    yes | true | on) REPLY=true ;;
    no | false | off) REPLY=false ;;
    *) REPLY="" ;;
  esac
}

check_port() {
  if [ -n "$2" ] && { [[ ! $2 =~ ^[0-9]{1,5}$ ]] || ((10#$2 < 1 || 10#$2 > 65535)); }; then
    problem "--$1 must be a number from 1 to 65535, not '$2'."
    REPLY=1
  else
    REPLY=$((10#${2:-0}))
  fi
}

add_item() {
  ITEM_WHAT+=("$1")
  ITEM_METHOD+=("$2")
  ITEM_PATH+=("$3")
  ITEM_BODY+=("$4")
}

check_database() {
  local type label
  if ! opt_get database; then
    only database ""
    return 0
  fi
  type=$REPLY
  label="--database $type"
  case $type in
    postgres)
      only database "$label" database-plan database-host database-port database-name \
        database-user database-password database-password-file
      need "$label" database-plan database-host database-port database-name database-user
      local plan=${VALUES[0]} host=${VALUES[1]} port=${VALUES[2]} db=${VALUES[3]} user=${VALUES[4]}
      check_port database-port "$port"
      port=$REPLY
      secret database-password CM_DATABASE_PASSWORD "${CM_DATABASE_PASSWORD-}" "$label"
      json_object name "$plan" kind database type postgres host "$host" '#port' "$port" \
        database "$db" user "$user" password "$REPLY"
      add_item "Database plan '$plan' (Postgres)" POST "$NS_PATH/plans" "$REPLY"
      ;;
    ephemeral)
      only database "$label" database-plan
      need "$label" database-plan
      json_object name "${VALUES[0]}" kind database type ephemeral
      add_item "Database plan '${VALUES[0]}' (Ephemeral)" POST "$NS_PATH/plans" "$REPLY"
      ;;
    *)
      problem "--database must be postgres or ephemeral, not '$type'."
      ;;
  esac
}

check_storage() {
  local type label plan key
  if ! opt_get storage; then
    only storage ""
    return 0
  fi
  type=$REPLY
  label="--storage $type"
  case $type in
    minio)
      only storage "$label" storage-plan storage-endpoint storage-access-key storage-secret-key \
        storage-secret-key-file
      need "$label" storage-plan storage-endpoint storage-access-key
      plan=${VALUES[0]}
      local endpoint=${VALUES[1]}
      key=${VALUES[2]}
      secret storage-secret-key CM_STORAGE_SECRET_KEY "${CM_STORAGE_SECRET_KEY-}" "$label"
      json_object name "$plan" kind storage type minio endpoint "$endpoint" access_key "$key" \
        secret_key "$REPLY"
      add_item "Storage plan '$plan' (MinIO)" POST "$NS_PATH/plans" "$REPLY"
      ;;
    s3)
      only storage "$label" storage-plan storage-region storage-access-key storage-secret-key \
        storage-secret-key-file
      need "$label" storage-plan storage-region storage-access-key
      plan=${VALUES[0]}
      local region=${VALUES[1]}
      key=${VALUES[2]}
      secret storage-secret-key CM_STORAGE_SECRET_KEY "${CM_STORAGE_SECRET_KEY-}" "$label"
      json_object name "$plan" kind storage type s3 region "$region" access_key "$key" \
        secret_key "$REPLY"
      add_item "Storage plan '$plan' (Amazon S3)" POST "$NS_PATH/plans" "$REPLY"
      ;;
    ephemeral)
      only storage "$label" storage-plan
      need "$label" storage-plan
      json_object name "${VALUES[0]}" kind storage type ephemeral
      add_item "Storage plan '${VALUES[0]}' (Ephemeral)" POST "$NS_PATH/plans" "$REPLY"
      ;;
    *)
      problem "--storage must be minio, s3 or ephemeral, not '$type'."
      ;;
  esac
}

check_ingress() {
  local type label domain tls
  if ! opt_get ingress; then
    only ingress ""
    return 0
  fi
  type=${REPLY//_/-}
  label="--ingress $type"
  only ingress "$label" ingress-domain ingress-tls
  opt_get ingress-tls || true
  yes_no "$REPLY"
  tls=$REPLY
  if [ -z "$tls" ]; then
    problem "$label needs --ingress-tls yes or no."
  fi
  local tls_word=off
  if [ "$tls" = true ]; then
    tls_word=on
  fi
  opt_get ingress-domain || true
  domain=$REPLY
  case $type in
    openshift-route)
      if [ "$CLUSTER_TYPE" != openshift ]; then
        problem "--ingress openshift-route works only on OpenShift clusters; this one is $CLUSTER_TYPE: use --ingress ingress."
      fi
      json_object type openshift_route '?domain' "$domain" '#tls' "${tls:-false}"
      add_item "Ingress (OpenShift Route, TLS $tls_word)" PUT "$NS_PATH/configuration/ingress" "$REPLY"
      ;;
    ingress)
      if [ -z "$domain" ]; then
        problem "$label needs --ingress-domain."
      fi
      json_object type ingress domain "$domain" '#tls' "${tls:-false}"
      add_item "Ingress (Ingress, TLS $tls_word)" PUT "$NS_PATH/configuration/ingress" "$REPLY"
      ;;
    *)
      problem "--ingress must be openshift-route or ingress, not '$type'."
      ;;
  esac
}

check_registry() {
  local type label kind pull push
  if ! opt_get registry; then
    only registry ""
    return 0
  fi
  type=${REPLY//_/-}
  label="--registry $type"
  case $type in
    openshift3 | openshift4)
      only registry "$label"
      if [ "$CLUSTER_TYPE" != openshift ]; then
        problem "--registry $type works only on OpenShift clusters; this one is $CLUSTER_TYPE."
      fi
      json_object type "$type"
      add_item "Registry (${type/openshift/OpenShift } Registry)" PUT "$NS_PATH/configuration/registry" "$REPLY"
      return 0
      ;;
    ecr | generic)
      only registry "$label" registry-pull-url registry-push-url
      ;;
    generic-auth)
      only registry "$label" registry-pull-url registry-push-url registry-name registry-secret \
        registry-secret-file
      ;;
    *)
      problem "--registry must be openshift3, openshift4, ecr, generic-auth or generic, not '$type'."
      return 0
      ;;
  esac
  if [ "$type" = ecr ] && [ "$PLATFORM" != eks ]; then
    problem "--registry ecr works only on clusters running on AWS EKS (platform eks)."
  fi
  need "$label" registry-pull-url
  pull=${VALUES[0]}
  opt_get registry-push-url || true
  push=${REPLY:-$pull}
  kind=${type//-/_}
  if [ "$type" = generic-auth ]; then
    need "$label" registry-name
    local name=${VALUES[0]}
    secret registry-secret CM_REGISTRY_SECRET "${CM_REGISTRY_SECRET-}" "$label"
    json_object type "$kind" pull_url "$pull" push_url "$push" name "$name" secret "$REPLY"
    add_item "Registry (Generic registry with authentication)" PUT \
      "$NS_PATH/configuration/registry" "$REPLY"
  else
    json_object type "$kind" pull_url "$pull" push_url "$push"
    if [ "$type" = ecr ]; then
      label="Amazon Elastic Container Registry (AWS ECR)"
    else
      label="Generic registry without authentication"
    fi
    add_item "Registry ($label)" PUT "$NS_PATH/configuration/registry" "$REPLY"
  fi
}

check_proxy() {
  local enabled user password="" no_proxy
  if ! opt_get proxy; then
    only proxy ""
    return 0
  fi
  yes_no "$REPLY"
  enabled=$REPLY
  case $enabled in
    false)
      only proxy "--proxy no"
      json_object '#enabled' false
      add_item "Proxy (off)" PUT "$NS_PATH/configuration/proxy" "$REPLY"
      ;;
    true)
      only proxy "--proxy yes" proxy-host proxy-port proxy-user proxy-password \
        proxy-password-file proxy-no-proxy
      need "--proxy yes" proxy-host proxy-port
      local host=${VALUES[0]} port=${VALUES[1]}
      check_port proxy-port "$port"
      port=$REPLY
      opt_get proxy-user || true
      user=$REPLY
      if [ -n "$user" ]; then
        secret proxy-password CM_PROXY_PASSWORD "${CM_PROXY_PASSWORD-}" "--proxy-user"
        password=$REPLY
      elif opt_get proxy-password-file || opt_get proxy-password; then
        problem "a proxy password needs --proxy-user."
      fi
      opt_get proxy-no-proxy || true
      no_proxy=$REPLY
      json_object '#enabled' true host "$host" '#port' "$port" '?user' "$user" \
        '?password' "$password" '?no_proxy' "$no_proxy"
      add_item "Proxy (on)" PUT "$NS_PATH/configuration/proxy" "$REPLY"
      ;;
    *)
      problem "--proxy must be yes or no."
      ;;
  esac
}

run_non_interactive() {
  local i
  if [ -n "$CONFIG_FILE" ]; then
    read_config_file "$CONFIG_FILE"
  fi
  check_database
  check_storage
  check_ingress
  check_registry
  check_proxy
  if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    printf 'ERROR: %s\n' "${PROBLEMS[@]}" >&2
    printf 'Run   bash reconfigure.sh --help   to see the options. Nothing was changed.\n' >&2
    exit 2
  fi
  if [ "${#ITEM_WHAT[@]}" -eq 0 ]; then
    usage_error "nothing to configure: give at least one of --database, --storage, --ingress, --registry or --proxy."
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
'''
