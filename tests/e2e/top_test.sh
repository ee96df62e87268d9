#!/usr/bin/env bash
# kubectl lm top through the real API server's pod proxy, against the
# stand-in server (tests/e2e/stand-in) serving a real vLLM /metrics page
# (tests/testdata/vllm-metrics, its source in SOURCES.md there), then the
# same page with its counters advanced: top's rates come from the two. This
# proves the requests and the arithmetic on vLLM's own format; what a
# loaded vLLM reports is vLLM's.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
STAND_IN=$(dirname "$0")/stand-in

cleanup() {
  "$STAND_IN" down e2e-top
  kubectl lm delete e2e-top >/dev/null 2>&1 || true
}
trap cleanup EXIT

pages=$E2E_TMP/top-metrics
mkdir -p "$pages"
page=$(dirname "$0")/../testdata/vllm-metrics/aibrix-runtime.txt
cp "$page" "$pages/1.txt"
# The second page: 1000 more prompt tokens, 5000 more generated, 2 preemptions.
sed -e 's/^\(vllm:prompt_tokens_total{[^}]*}\) 148.0$/\1 1148.0/' \
    -e 's/^\(vllm:generation_tokens_total{[^}]*}\) 955.0$/\1 5955.0/' \
    -e 's/^\(vllm:num_preemptions_total{[^}]*}\) 0.0$/\1 2.0/' "$page" >"$pages/2.txt"
# Later pages: the second one, with a line that is not Prometheus text.
{ cat "$pages/2.txt"; echo 'vllm:broken{label="unclosed 1'; } >"$pages/3.txt"

kubectl lm deploy phi-3-mini --name e2e-top >/dev/null 2>&1
kubectl wait --for=condition=Available deployment/e2e-top --timeout=60s >/dev/null
"$STAND_IN" up e2e-top default "$E2E_TMP/top-requests.log" /dev/null "$pages"

test_case "top: rates from two scrapes of a real vLLM /metrics page, --interval apart"
run kubectl lm top e2e-top --interval 2s -o json
expect_rc 0
expect_eq "$(json_get 'sorted(d["items"][0].keys())' <<<"$OUT")" \
  "['deployment', 'generationTokensPerSecond', 'kvCacheUsage', 'namespace', 'pod', 'preemptions', 'promptTokensPerSecond', 'requestsRunning', 'requestsWaiting']"
expect_eq "$(json_get '(d["items"][0]["preemptions"], d["items"][0]["requestsRunning"], d["items"][0]["kvCacheUsage"])' <<<"$OUT")" "(2.0, 0.0, 0.0)"
# 5000 tokens over the time between the scrapes: a little over 2 s.
expect_eq "$(json_get '2000 <= d["items"][0]["generationTokensPerSecond"] <= 2500 and 400 <= d["items"][0]["promptTokensPerSecond"] <= 500' <<<"$OUT")" "True"

test_case "top's table; a malformed metrics line is reported, not fatal"
run kubectl lm top --interval 1s
expect_rc 0
expect_out_contains "NAME      POD"
grep -q "^e2e-top .* 0  *0  *0.0%  *0.0  *0.0  *-  *-  *-  *-  *0$" <<<"$OUT" || fail "the table row (page 3 twice: no change)"
expect_err_contains "1 malformed line(s) in its /metrics, skipped; the first: vllm:broken{label=\"unclosed 1"
run kubectl lm top e2e-nothing
expect_rc 1
expect_err_contains 'no model deployment "e2e-nothing"'

finish
