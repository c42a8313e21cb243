# Argument completers. They never throw, never prompt, never run gh and never look up a token:
# the context typed on the command line (or the default context) is resolved without a token,
# and the claim list comes from the native layer, which caches discovery per issuer, falls back
# to a built-in list when discovery cannot be reached, and remembers failures for 60 seconds.

$script:GitHubOidcClaimKeyTips = @{
    repo    = 'repo: the short form repo:OWNER/REPO (with immutable subjects repo:OWNER@ID/REPO@ID)'
    context = 'context: ref:refs/heads/BRANCH, environment:NAME or pull_request, depending on the run'
}

function Get-GitHubOidcClaimKeyCompletion {
    <#
        .SYNOPSIS
        The -IncludeClaimKeys completions (see the top of this file).

        .DESCRIPTION
        A function rather than the registered script block itself: the registered block stays a
        one-line call, and this body is compiled once like every function of the module.
    #>
    param(
        # The word being completed.
        $WordToComplete,
        # The command being completed.
        $CommandAst,
        # What the engine bound so far.
        $FakeBoundParameters
    )
    try {
        $word = "$WordToComplete".Trim().Trim("'", '"')

        # Keys already typed for this parameter (the word being completed excluded once).
        $typed = [System.Collections.Generic.List[string]]::new()
        $elements = @($CommandAst.CommandElements)
        for ($i = 0; $i -lt $elements.Count; $i++) {
            $element = $elements[$i]
            if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
            if (-not 'IncludeClaimKeys'.StartsWith($element.ParameterName, [System.StringComparison]::OrdinalIgnoreCase)) {
                continue
            }
            $argument = if ($element.Argument) { $element.Argument } elseif ($i + 1 -lt $elements.Count) { $elements[$i + 1] }
            $items = if ($argument -is [System.Management.Automation.Language.ArrayLiteralAst]) { $argument.Elements } else { @($argument) }
            foreach ($item in $items) {
                if ($item -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                    $typed.Add($item.Value.ToLowerInvariant())
                }
            }
        }
        if ($word) {
            # The word being completed is in the list once; another copy means it was typed before.
            $null = $typed.Remove($word.ToLowerInvariant())
        }

        $contextValue = if ($FakeBoundParameters -and $FakeBoundParameters.ContainsKey('Context')) { $FakeBoundParameters['Context'] } else { $null }
        $context = [GitHubOidc.Native.ContextResolver]::Resolve($contextValue, $true, $ExecutionContext.SessionState.Path).Context
        if ($null -eq $context) { return }
        # Completion must be quick: bounded waits unless the context says otherwise.
        if ($null -eq $context.TimeoutSec) { $context.TimeoutSec = 3 }
        if ($null -eq $context.MaxRetries) { $context.MaxRetries = 0 }
        # Straight to the facade, not through Invoke-GitHubOidcNative: a completer writes no error
        # records, and this saves a function call on every Tab.
        $answer = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.ClaimKeysRequest]@{ Context = $context; Completion = $true }).Value
        if ($null -eq $answer) { return }
        $source = if ($answer['source'] -eq 'discovery') {
            "from the discovery document of $($answer['issuer'])"
        } else {
            'from the built-in list (discovery not reachable)'
        }

        foreach ($key in @($answer['keys'])) {
            if (-not $key) { continue }
            if ($word -and -not $key.StartsWith($word, [System.StringComparison]::OrdinalIgnoreCase)) { continue }
            if ($typed.Contains($key.ToLowerInvariant())) { continue }
            $tip = "Claim key '$key' ($source)"
            if ($script:GitHubOidcClaimKeyTips.ContainsKey($key)) {
                $tip = $script:GitHubOidcClaimKeyTips[$key]
            }
            [System.Management.Automation.CompletionResult]::new($key, $key, 'ParameterValue', $tip)
        }
    } catch {
        # A completer must never throw: no suggestions instead.
        $null = $_
    }
}
