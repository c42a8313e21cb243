function Get-GitHubOidcSummaryKind {
    <#
        .SYNOPSIS
        Which of the module's result types an object is (its first GitHubOidc.* type name that
        Out-GitHubOidcStepSummary renders), or $null.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The object.
        [Parameter(Mandatory)]
        [object] $InputObject
    )

    $known = 'GitHubOidc.Token', 'GitHubOidc.TokenVerification', 'GitHubOidc.TrustResult', 'GitHubOidc.Subject',
    'GitHubOidc.RepositoryState', 'GitHubOidc.ConfigurationDifference', 'GitHubOidc.SyncResult'
    foreach ($name in $InputObject.PSObject.TypeNames) {
        if ($name -in $known) { return $name }
    }
    $null
}

function ConvertTo-GitHubOidcSummaryMarkdown {
    <#
        .SYNOPSIS
        The Markdown of Out-GitHubOidcStepSummary (one section per kind of result) and the
        annotations it asks for (denials, invalid tokens, drift, failed writes).

        .DESCRIPTION
        Returns an object with Markdown (the text to append) and Annotations (Level error or
        warning, Title, Message; unescaped: the caller escapes them as workflow commands).
        Every value is escaped with ConvertTo-GitHubOidcEscapedText -As Markdown. No token is
        ever rendered (a GitHubOidc.Token's raw token is not a property that is read here).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # Kind (GitHubOidc.* type name) -> the objects of that kind, in arrival order.
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Group,

        # A heading before the sections.
        [Parameter()]
        [AllowEmptyString()]
        [string] $Title
    )

    # The marks, as code points (the source stays ASCII).
    $yes = [char]::ConvertFromUtf32(0x2705)
    $no = [char]::ConvertFromUtf32(0x274C)
    $caution = [char]::ConvertFromUtf32(0x26A0) + [char]::ConvertFromUtf32(0xFE0F)
    $md = [System.Text.StringBuilder]::new()
    $notes = [System.Collections.Generic.List[object]]::new()
    $e = { param($Value) ConvertTo-GitHubOidcEscapedText -Text $Value -As Markdown }
    $list = {
        param($Value)
        if ($null -eq $Value) { return '' }
        (@($Value) | ForEach-Object { & $e $_ }) -join ', '
    }
    $code = {
        # A value as text that keeps its characters visible (escaped, not a code span: a code
        # span cannot hold every value).
        param($Value)
        if ($null -eq $Value -or "$Value" -eq '') { return '*(none)*' }
        & $e $Value
    }
    $row = {
        param([object[]] $Cells)
        $null = $md.Append('| ').Append(($Cells -join ' | ')).AppendLine(' |')
    }
    $header = {
        param([string[]] $Names)
        & $row $Names
        $null = $md.Append('|').Append((@($Names | ForEach-Object { ' --- ' }) -join '|')).AppendLine('|')
    }
    $note = {
        param([string] $Level, [string] $NoteTitle, [string] $Message)
        $notes.Add([pscustomobject]@{ Level = $Level; Title = $NoteTitle; Message = $Message })
    }

    $null = $md.AppendLine()
    if ($Title) { $null = $md.Append('## ').AppendLine((& $e $Title)).AppendLine() }
    if ($Group.Count -eq 0) { $null = $md.AppendLine('*No results (for a comparison: no differences).*').AppendLine() }

    foreach ($kind in $Group.Keys) {
        $items = @($Group[$kind])
        switch ($kind) {
            { $_ -in 'GitHubOidc.Token', 'GitHubOidc.TokenVerification' } {
                foreach ($t in $items) {
                    $claims = $t.Claims
                    $claim = { param($Name) if ($claims) { $p = $claims.PSObject.Properties[$Name]; if ($p) { $p.Value } } }
                    $subject = if ($t.PSObject.Properties['Subject']) { $t.Subject } else { & $claim 'sub' }
                    $validProperty = $t.PSObject.Properties['Valid']
                    $verdict = if (-not $validProperty) {
                        'not verified (decoded only)'
                    } elseif ($t.Valid) {
                        "$yes valid (signature, issuer, times and audience checked)"
                    } else {
                        "$no NOT valid"
                    }
                    $null = $md.Append('### OIDC token: ').AppendLine((& $code $subject)).AppendLine()
                    & $header 'Check', 'Value'
                    & $row 'Verdict', $verdict
                    foreach ($failure in @($t.PSObject.Properties['Failures'] | ForEach-Object { $_.Value } | Where-Object { $_ })) {
                        & $row 'Failure', (& $e $failure)
                    }
                    & $row 'Subject (sub)', (& $code $subject)
                    & $row 'Audience (aud)', (& $list (& $claim 'aud'))
                    & $row 'Issuer (iss)', (& $code (& $claim 'iss'))
                    foreach ($time in 'iat', 'nbf', 'exp') {
                        $v = & $claim $time
                        if ($v -is [long] -or $v -is [int] -or $v -is [double]) {
                            $when = [System.DateTimeOffset]::FromUnixTimeSeconds([long]$v).UtcDateTime.
                            ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture)
                            & $row $time, "$when UTC"
                        }
                    }
                    $null = $md.AppendLine()
                    if ($claims) {
                        $null = $md.AppendLine('<details><summary>All claims</summary>').AppendLine()
                        & $header 'Claim', 'Value'
                        foreach ($p in $claims.PSObject.Properties) {
                            & $row (& $e $p.Name), (& $list $p.Value)
                        }
                        $null = $md.AppendLine().AppendLine('</details>').AppendLine()
                    }
                    if ($validProperty -and -not $t.Valid) {
                        & $note 'error' 'OIDC token not valid' ("The job's ID token ($subject) is not valid: " + (@($t.Failures) -join '; '))
                    }
                }
            }
            'GitHubOidc.TrustResult' {
                $providers = @($items | ForEach-Object { $_.Provider } | Where-Object { $_ } | Select-Object -Unique) -join ', '
                $null = $md.Append('### Trust policy').Append($(if ($providers) { " ($(& $e $providers))" })).AppendLine().AppendLine()
                & $header 'Subject', 'Form', 'Verdict', 'Matched by / first reason'
                foreach ($r in $items) {
                    $verdict = if (-not $r.Evaluable) { "$caution cannot evaluate" } elseif ($r.Allowed) { "$yes allowed" } else { "$no denied" }
                    $why = if ($r.Allowed) { $r.MatchedBy } elseif ($r.Reasons) { @($r.Reasons)[0].Text }
                    & $row (& $code $r.Subject), (& $e $r.Form), $verdict, (& $e $why)
                }
                $null = $md.AppendLine()
                foreach ($r in @($items | Where-Object { -not $_.Allowed })) {
                    $null = $md.Append("#### $no Denied: ").AppendLine((& $code $r.Subject)).AppendLine()
                    & $header 'Source', 'Condition', 'Operator', 'Expected', 'Actual', 'Note'
                    foreach ($reason in @($r.Reasons)) {
                        & $row (& $e $reason.Source), (& $e $reason.Condition), (& $e $reason.Operator),
                        (& $list $reason.Expected), (& $list $reason.Actual), (& $e $reason.Note)
                    }
                    if ($r.Suggestion) { $null = $md.AppendLine().Append('Suggestion: ').AppendLine((& $e $r.Suggestion)) }
                    $null = $md.AppendLine()
                    $texts = @($r.Reasons | ForEach-Object { $_.Text } | Where-Object { $_ })
                    $policy = if ($r.Provider) { "$($r.Provider) trust policy" } else { 'Trust policy' }
                    $because = if ($texts) { ': ' + ($texts -join '; ') } else { '.' }
                    & $note 'error' "$policy denies $($r.Subject)" "The $policy denies the subject $($r.Subject)$because"
                }
            }
            'GitHubOidc.Subject' {
                $null = $md.AppendLine('### Subject').AppendLine()
                & $header 'Subject', 'Source', 'Template', 'Token sub', 'Matches'
                foreach ($s in $items) {
                    $matches_ = if ($null -eq $s.Matches) { '' } elseif ($s.Matches) { "$yes yes" } else { "$no no" }
                    & $row (& $code $s.Subject), (& $e $s.Source), (& $list $s.IncludeClaimKeys), (& $e $s.TokenSubject), $matches_
                    if ($false -eq $s.Matches) {
                        $template = @($s.IncludeClaimKeys) -join ', '
                        $message = "The template ($template) predicts $($s.Subject), but the token's sub is $($s.TokenSubject)."
                        & $note 'error' 'Subject template mismatch' $message
                    }
                }
                $null = $md.AppendLine()
            }
            'GitHubOidc.RepositoryState' {
                $null = $md.AppendLine('### Repositories').AppendLine()
                & $header 'Repository', 'Visibility', 'Source', 'Template', 'Immutable', 'Prefix'
                foreach ($s in $items) {
                    $name = "$($s.Owner)/$($s.Repository)" + $(if ($s.Archived) { ' (archived)' })
                    $prefix = if ($s.SubClaimPrefix) { $s.SubClaimPrefix } elseif ($s.Immutable) { $s.ImmutablePrefix } else { $s.LegacyPrefix }
                    $immutable = if ($s.Immutable) { 'yes' } else { 'no' }
                    & $row (& $e $name), (& $e $s.Visibility), (& $e $s.Source), (& $list $s.IncludeClaimKeys), $immutable, (& $e $prefix)
                }
                $null = $md.AppendLine()
            }
            'GitHubOidc.ConfigurationDifference' {
                $null = $md.Append('### Configuration differences (').Append($items.Count).AppendLine(')').AppendLine()
                & $header 'Owner', 'Repository', 'Property', 'Current', 'Desired', 'Action'
                foreach ($d in $items) {
                    $current = if ($null -eq $d.Current) { '*(none)*' } else { & $list $d.Current }
                    & $row (& $e $d.Owner), (& $e $d.Repository), (& $e $d.Property), $current, (& $list $d.Desired), (& $e $d.Action)
                    $where = if ($d.Repository) { "$($d.Owner)/$($d.Repository)" } else { "$($d.Owner)" }
                    $currentText = if ($null -eq $d.Current) { '(none)' } else { @($d.Current) -join ', ' }
                    $desiredText = @($d.Desired) -join ', '
                    & $note 'warning' "OIDC drift: $where" "$where $($d.Property) is $currentText, desired $desiredText ($($d.Action))."
                }
                $null = $md.AppendLine()
            }
            'GitHubOidc.SyncResult' {
                $null = $md.AppendLine('### Sync').AppendLine()
                & $header 'Owner', 'Repository', 'Status', 'Properties', 'Error'
                foreach ($s in $items) {
                    $errorText = if ($s.ErrorRecord) { "$($s.ErrorRecord.FullyQualifiedErrorId): $($s.ErrorRecord.Exception.Message)" }
                    & $row (& $e $s.Owner), (& $e $s.Repository), (& $e $s.Status), (& $list $s.Properties), (& $e $errorText)
                    if ($s.Status -eq 'Failed') {
                        $where = if ($s.Repository) { "$($s.Owner)/$($s.Repository)" } else { "$($s.Owner)" }
                        & $note 'error' "OIDC sync failed: $where" "The write to $where failed: $errorText"
                    }
                }
                $null = $md.AppendLine()
            }
        }
    }
    [pscustomobject]@{
        Markdown    = $md.ToString()
        Annotations = $notes.ToArray()
    }
}
