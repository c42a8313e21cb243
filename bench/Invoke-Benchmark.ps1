#Requires -Version 7.4
<#
.SYNOPSIS
    Measures the module and prints each figure beside a baseline measured in the same run.

.DESCRIPTION
    Needs a built module (./build.ps1) and starts the fake GitHub server from target/release.
    Figures (median of -Iterations runs):

    | Figure | Baseline |
    | --- | --- |
    | Import-Module GitHubOidc in a fresh pwsh | a fresh pwsh that imports nothing |
    | warm Tab completion of -IncludeClaimKeys | a completer that calls discovery with Invoke-RestMethod on every Tab, as PSModule/GitHub does |
    | one Get-GitHubOidcSubjectClaim | one bare Invoke-RestMethod of the same endpoint on the same fake server |
    | RSS growth over 100,000 native calls (tests/c/abi_test.c --loop, target < 1024 KB) | the process's RSS after 1,000 warm-up calls |

.PARAMETER Iterations
    Runs per in-process figure (fresh-process figures use a fifth of it, at least 3).

.EXAMPLE
    ./build.ps1; ./bench/Invoke-Benchmark.ps1
#>
[CmdletBinding()]
param([int] $Iterations = 30)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$module = Join-Path $root 'output/GitHubOidc'
$fakeExe = Join-Path $root 'target/release/fake_github'
if (-not (Test-Path $module)) { throw 'Build the module first: ./build.ps1' }

function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

function Measure-Median([int] $n, [scriptblock] $block) {
    $times = foreach ($i in 1..$n) { (Measure-Command $block).TotalMilliseconds }
    Get-Median $times
}

$psi = [System.Diagnostics.ProcessStartInfo]::new($fakeExe, '--port 0 --exit-on-stdin-eof')
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$fake = [System.Diagnostics.Process]::Start($psi)
try {
    $base = ($fake.StandardOutput.ReadLine() -split ' ')[-1]
    $rows = [System.Collections.Generic.List[object]]::new()
    $fresh = [math]::Max(3, [int]($Iterations / 5))

    $import = Measure-Median $fresh { pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'" }
    $bare = Measure-Median $fresh { pwsh -NoProfile -NonInteractive -Command '1' | Out-Null }
    $rows.Add([pscustomobject]@{ Figure = 'Import-Module (fresh pwsh, ms)'; GitHubOidc = $import; Baseline = $bare; BaselineIs = 'fresh pwsh, no import' })

    Import-Module $module -Force
    $ctx = @{ HostName = 'github.com'; ApiBaseUri = $base; IssuerUri = $base; Token = 'test-admin-token' }
    $global:BenchContext = $ctx
    $line = 'Set-GitHubOidcSubjectClaim -Owner o -Repository r -Context $BenchContext -IncludeClaimKeys repo,job_'
    $null = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
    $complete = Measure-Median $Iterations { $null = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null) }

    # Baseline: PSModule/GitHub's completer shape, one discovery request per Tab.
    function global:Invoke-BaselineCompletion { param([string[]] $IncludeClaimKeys) }
    Register-ArgumentCompleter -CommandName Invoke-BaselineCompletion -ParameterName IncludeClaimKeys -ScriptBlock {
        param($commandName, $parameterName, $wordToComplete)
        $null = $commandName, $parameterName
        (Invoke-RestMethod "$($global:BenchContext.IssuerUri)/.well-known/openid-configuration").claims_supported |
            Where-Object { $_ -like "$wordToComplete*" } |
            ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
    }
    $baseLine = 'Invoke-BaselineCompletion -IncludeClaimKeys repo,job_'
    $null = [System.Management.Automation.CommandCompletion]::CompleteInput($baseLine, $baseLine.Length, $null)
    $baselineComplete = Measure-Median $Iterations { $null = [System.Management.Automation.CommandCompletion]::CompleteInput($baseLine, $baseLine.Length, $null) }
    $rows.Add([pscustomobject]@{ Figure = 'Warm Tab on -IncludeClaimKeys (ms)'; GitHubOidc = $complete; Baseline = $baselineComplete; BaselineIs = 'Invoke-RestMethod discovery per Tab' })

    $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $ctx
    $get = Measure-Median $Iterations { $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $ctx }
    $headers = @{ Authorization = 'Bearer test-admin-token'; Accept = 'application/vnd.github+json' }
    $uri = "$base/repos/octo-org/octo-repo/actions/oidc/customization/sub"
    $null = Invoke-RestMethod $uri -Headers $headers -AllowUnencryptedAuthentication
    $rest = Measure-Median $Iterations { $null = Invoke-RestMethod $uri -Headers $headers -AllowUnencryptedAuthentication }
    $rows.Add([pscustomobject]@{ Figure = 'One Get-GitHubOidcSubjectClaim (ms)'; GitHubOidc = $get; Baseline = $rest; BaselineIs = 'one bare Invoke-RestMethod' })

    # Memory: 100,000 offline calls from C (no host in the way); needs a C compiler.
    $cc = @('cc', 'gcc', 'clang') | Where-Object { Get-Command $_ -ErrorAction SilentlyContinue } | Select-Object -First 1
    if ($cc -and $IsLinux) {
        $release = Join-Path $root 'target/release'
        $loopExe = Join-Path $root 'target/abi_test_bench'
        & $cc -std=c11 -O2 -I (Join-Path $root 'bindings') (Join-Path $root 'tests/c/abi_test.c') -L $release -lgithub_oidc "-Wl,-rpath,$release" -o $loopExe
        $rss = & $loopExe --loop 100000 | Select-String 'rss: (\d+) KB after \d+ warm-up calls, \d+ KB after \d+ more, growth (-?\d+) KB'
        if ($LASTEXITCODE -ne 0 -or -not $rss) { throw 'abi_test --loop 100000 failed.' }
        $rows.Add([pscustomobject]@{
                Figure = 'RSS growth over 100,000 calls (KB)'; GitHubOidc = [double]$rss.Matches[0].Groups[2].Value
                Baseline = [double]$rss.Matches[0].Groups[1].Value; BaselineIs = 'RSS after 1,000 warm-up calls (target: growth < 1024)'
            })
    } else {
        Write-Warning 'No C compiler (or not Linux): the RSS figure is skipped.'
    }

    $rows | ForEach-Object { $_.GitHubOidc = [math]::Round($_.GitHubOidc, 2); $_.Baseline = [math]::Round($_.Baseline, 2); $_ } |
        Format-Table -AutoSize | Out-String | Write-Output
} finally {
    $fake.StandardInput.Close()
    if (-not $fake.WaitForExit(3000)) { $fake.Kill() }
}
