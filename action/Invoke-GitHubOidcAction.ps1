#Requires -Version 7.4
<#
    .SYNOPSIS
    The logic of the GitHubOidc composite action (action.yml): gets the job's OIDC token, writes
    the claims table and any verdict to the job summary, sets the step outputs, and fails on a
    denial.

    .DESCRIPTION
    action.yml installs the module and calls this script with its inputs. It can be run outside a
    runner with runner-like environment variables: ACTIONS_ID_TOKEN_REQUEST_URL and
    ACTIONS_ID_TOKEN_REQUEST_TOKEN (the token request), GITHUB_STEP_SUMMARY (the summary file),
    GITHUB_OUTPUT (the outputs file) and GITHUB_ACTIONS=true (annotations).

    Outputs (in GITHUB_OUTPUT, in the multiline-safe NAME<<DELIMITER form): subject (the token's
    sub) and allowed (true or false when a policy was tested, else empty).

    Exit code: 0; 1 when the policy denies the token (or the token is not valid) and FailOnDeny is
    true, or when the token cannot be had (the error is an ::error annotation).

    .PARAMETER Audience
    The audience (aud) to request (input audience). Empty: the runner's default.

    .PARAMETER Provider
    Aws, Azure, Gcp, Vault, Npm, PyPI, Crates, RubyGems or NuGet (input provider): test the token against a trust
    configuration of this provider, given with Policy or PolicyPath.

    .PARAMETER Policy
    The trust configuration as JSON text (input policy).

    .PARAMETER PolicyPath
    A file holding the trust configuration (input policy-path).

    .PARAMETER FailOnDeny
    'true' (default) or 'false' (input fail-on-deny): exit 1 when the policy denies the token.

    .PARAMETER ModuleVersion
    The GitHubOidc version to import (input module-version); action.yml installs it. Empty: the
    newest installed.

    .PARAMETER ModulePath
    A module already on disk (a folder with GitHubOidc.psd1, or the .psd1): imported instead.

    .PARAMETER Context
    Passed to the module's commands: which instance issues the job's tokens (GitHub Enterprise
    Server, GHE.com), or a test server. Omitted: GH_HOST if set, else github.com.

    .EXAMPLE
    ./action/Invoke-GitHubOidcAction.ps1 -Audience sts.amazonaws.com -Provider Aws -PolicyPath role-trust.json

    In a job: the verdict of the role's trust policy on the job's token, in the summary and the outputs.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'Workflow commands and the step log are read by the runner from the step''s output.')]
[CmdletBinding()]
param(
    [AllowEmptyString()]
    [string] $Audience = '',

    [AllowEmptyString()]
    [string] $Provider = '',

    [AllowEmptyString()]
    [string] $Policy = '',

    [AllowEmptyString()]
    [string] $PolicyPath = '',

    [AllowEmptyString()]
    [string] $FailOnDeny = 'true',

    [AllowEmptyString()]
    [string] $ModuleVersion = '',

    [AllowEmptyString()]
    [string] $ModulePath = '',

    [object] $Context
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Write-ActionOutput {
    <#
        .SYNOPSIS
        Appends NAME<<DELIMITER / value / DELIMITER to GITHUB_OUTPUT (a delimiter the value does not hold).
    #>
    param([Parameter(Mandatory)] [string] $Name, [AllowEmptyString()] [string] $Value)
    $file = [System.Environment]::GetEnvironmentVariable('GITHUB_OUTPUT')
    if (-not $file) {
        Write-Verbose "GITHUB_OUTPUT is not set: output $Name not written."
        return
    }
    do { $delimiter = "ghadelimiter_$([guid]::NewGuid().ToString('n'))" } while ($Value.Contains($delimiter))
    $text = "$Name<<$delimiter`n$Value`n$delimiter`n"
    [System.IO.File]::AppendAllText($file, $text, [System.Text.UTF8Encoding]::new($false))
}

function Write-ActionError {
    <#
        .SYNOPSIS
        An ::error annotation under Actions (escaped as the runner requires), else an error line.
    #>
    param([Parameter(Mandatory)] [string] $Message)
    if ([System.Environment]::GetEnvironmentVariable('GITHUB_ACTIONS') -eq 'true') {
        $data = $Message.Replace('%', '%25').Replace("`r", '%0D').Replace("`n", '%0A')
        Write-Host "::error title=GitHubOidc::$data"
    } else {
        [Console]::Error.WriteLine("GitHubOidc: $Message")
    }
}

$fail = $FailOnDeny.Trim() -notin 'false', '0', 'no', 'off'
try {
    if ($Provider -and -not $Policy -and -not $PolicyPath) {
        throw "The input provider ($Provider) needs policy or policy-path."
    }
    if ($Policy -and $PolicyPath) {
        throw 'Give policy or policy-path, not both.'
    }
    if ($ModulePath) {
        Import-Module -Name $ModulePath -Force
    } elseif ($ModuleVersion) {
        Import-Module -Name GitHubOidc -RequiredVersion ($ModuleVersion -replace '-.*$', '')
    } else {
        Import-Module -Name GitHubOidc
    }

    $common = @{}
    if ($null -ne $Context) { $common.Context = $Context }
    $tokenParameters = @{} + $common
    if ($Audience) { $tokenParameters.Audience = $Audience }
    $token = Get-GitHubOidcToken @tokenParameters -WarningAction SilentlyContinue
    $results = @()
    if ($Provider) {
        $policyParameters = if ($PolicyPath) { @{ Path = $PolicyPath } } else { @{ Policy = $Policy } }
        $results = @($token | Test-GitHubOidcTrustPolicy -Provider $Provider @policyParameters @common -WarningAction SilentlyContinue)
    }
    if ([System.Environment]::GetEnvironmentVariable('GITHUB_STEP_SUMMARY')) {
        @($token) + $results | Out-GitHubOidcStepSummary -Title 'GitHub Actions OIDC token'
    } else {
        Write-Verbose 'GITHUB_STEP_SUMMARY is not set: no summary written.'
    }

    $allowed = if ($results.Count) { -not @($results | Where-Object { -not $_.Allowed }).Count } else { $null }
    Write-ActionOutput -Name subject -Value ([string]$token.Subject)
    Write-ActionOutput -Name allowed -Value $(if ($null -eq $allowed) { '' } elseif ($allowed) { 'true' } else { 'false' })

    $verdict = if ($null -ne $allowed) { ", allowed $allowed" } else { '' }
    Write-Host "GitHubOidc: sub $($token.Subject), aud $(@($token.Audience) -join ', '), valid $($token.Valid)$verdict."
    if ($fail -and ($false -eq $allowed -or -not $token.Valid)) {
        $why = if (-not $token.Valid) {
            "the job's token is not valid: $(@($token.Failures) -join '; ')"
        } else {
            "the $Provider trust policy denies $($token.Subject)"
        }
        Write-ActionError "Failing the step (fail-on-deny): $why."
        exit 1
    }
    exit 0
} catch {
    Write-ActionError $_.Exception.Message
    exit 1
}
