#Requires -Version 7.4
<#
.SYNOPSIS
    Measures the module and prints each figure beside a baseline measured in the same run, and the target.

.DESCRIPTION
    Needs a built module (./build.ps1) and starts the fake GitHub server from target/release.
    Figures (median of -Iterations runs; fresh-process figures use -FreshIterations):

    | Figure | Baseline | Target (issue 10) |
    | --- | --- | --- |
    | Import-Module GitHubOidc as the first command of a fresh pwsh (stopwatch in the child, started right before it) | an empty script module imported the same way | <= 150 ms |
    | warm Tab on -IncludeClaimKeys (CompleteInput), and the requests it made | CompleteInput on a command whose completer returns a fixed list (the engine's floor) | <= floor + 1 ms, 0 requests |
    | one Get-GitHubOidcSubjectClaim against the fake | one bare request of the same endpoint: Invoke-RestMethod, and HttpClient | <= 1.5 x Invoke-RestMethod |
    | the first call (issue 20): a fresh pwsh -File script that imports the module and makes one Get-GitHubOidcSubjectClaim, whole process, result discarded and result printed | the same script with one Invoke-RestMethod of the same endpoint instead, run in turn with it | <= 1.1 x baseline |
    | RSS growth over 100,000 native calls (tests/c/abi_test.c --loop) | the process's RSS after 1,000 warm-up calls | < 1024 KB |

    Speed targets live here, never in timed tests. The machine's load shows in both columns alike;
    the Ratio column is the figure over its baseline.

.PARAMETER Iterations
    Runs per in-process figure.

.PARAMETER FreshIterations
    Fresh pwsh processes per import figure (default: a fifth of -Iterations, at least 5).

.PARAMETER ModulePath
    The module to measure (default: output/GitHubOidc).

.EXAMPLE
    ./build.ps1; ./bench/Invoke-Benchmark.ps1
#>
[CmdletBinding()]
param(
    [int] $Iterations = 30,
    [int] $FreshIterations,
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$module = if ($ModulePath) { (Resolve-Path $ModulePath).Path } else { Join-Path $root 'output/GitHubOidc' }
$fakeExe = Join-Path $root 'target/release/fake_github'
if (-not (Test-Path $module)) { throw 'Build the module first: ./build.ps1' }
if (-not $FreshIterations) { $FreshIterations = [math]::Max(5, [int]($Iterations / 5)) }
# Invoke-Pwsh: a child pwsh started the way this one runs (also under the .NET tool), shared with build.ps1 and the tests.
. (Join-Path $root 'tools/ChildPwsh.ps1')

function Get-Median([double[]] $values) {
    $sorted = @($values | Sort-Object)
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# Import time as the first command of a fresh pwsh: the child starts a stopwatch right before
# Import-Module and prints the milliseconds. The cases run in turn, n rounds (the machine's load
# falls on each alike); returns each case's median.
function Measure-FreshImport([object[]] $cases, [int] $n) {
    $times = @{}
    foreach ($case in $cases) { $times[$case.Name] = [System.Collections.Generic.List[double]]::new() }
    foreach ($round in 1..$n) {
        foreach ($case in $cases) {
            $command = "`$w = [System.Diagnostics.Stopwatch]::StartNew(); Import-Module '$($case.Path)'; $($case.Then); `$w.Elapsed.TotalMilliseconds"
            $out = Invoke-Pwsh -NoProfile -NonInteractive -Command $command
            if ($LASTEXITCODE -ne 0) { throw "Import-Module '$($case.Path)' failed in a fresh pwsh: $out" }
            $times[$case.Name].Add([double]::Parse(@($out)[-1], [cultureinfo]::InvariantCulture))
        }
    }
    $medians = @{}
    foreach ($case in $cases) { $medians[$case.Name] = Get-Median $times[$case.Name] }
    $medians
}

$rows = [System.Collections.Generic.List[object]]::new()
function Add-Row([string] $figure, [double] $value, [double] $baseline, [string] $baselineIs, [string] $target) {
    $rows.Add([pscustomobject][ordered]@{
            Figure     = $figure
            GitHubOidc = [math]::Round($value, 2)
            Baseline   = [math]::Round($baseline, 2)
            Ratio      = if ($baseline) { [math]::Round($value / $baseline, 2) } else { $null }
            BaselineIs = $baselineIs
            Target     = $target
        })
}

$psi = [System.Diagnostics.ProcessStartInfo]::new($fakeExe, '--port 0 --exit-on-stdin-eof')
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$fake = [System.Diagnostics.Process]::Start($psi)
$emptyModule = Join-Path ([System.IO.Path]::GetTempPath()) "GitHubOidcBenchEmpty-$PID/EmptyBench"
try {
    $base = ($fake.StandardOutput.ReadLine() -split ' ')[-1]

    # 1. Import-Module, first command of a fresh pwsh, beside an empty script module.
    $null = New-Item -ItemType Directory -Force -Path $emptyModule
    Set-Content -LiteralPath (Join-Path $emptyModule 'EmptyBench.psm1') -Value 'function Get-EmptyBench { }'
    New-ModuleManifest -Path (Join-Path $emptyModule 'EmptyBench.psd1') -RootModule 'EmptyBench.psm1' -FunctionsToExport 'Get-EmptyBench' `
        -CmdletsToExport @() -VariablesToExport @() -AliasesToExport @()
    # For information: the same commands declared with empty bodies and nothing else (the built
    # signatures, from its AST, and the manifest's nested facade for the compiled
    # Get-GitHubOidcSubjectClaim, whose code does not run at import): what any module with these
    # parameters costs to import.
    $declared = Join-Path (Split-Path $emptyModule) 'DeclaredBench'
    $null = New-Item -ItemType Directory -Force -Path $declared
    $builtAst = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $module 'GitHubOidc.psm1'), [ref] $null, [ref] $null)
    $builtManifest = Import-PowerShellDataFile (Join-Path $module 'GitHubOidc.psd1')
    $exported = $builtManifest.FunctionsToExport
    $signatures = foreach ($function in $builtAst.EndBlock.Statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $_.Name -in $exported }) {
        $head = $function.Extent.Text.Substring(0, $function.Body.ParamBlock.Extent.EndOffset - $function.Extent.StartOffset)
        "$head`n    process { }`n}"
    }
    Set-Content -LiteralPath (Join-Path $declared 'DeclaredBench.psm1') -Value ($signatures -join "`n`n")
    New-ModuleManifest -Path (Join-Path $declared 'DeclaredBench.psd1') -RootModule 'DeclaredBench.psm1' -FunctionsToExport $exported `
        -NestedModules @($builtManifest.NestedModules | ForEach-Object { Join-Path $module $_ }) -CmdletsToExport @($builtManifest.CmdletsToExport) `
        -VariablesToExport @() -AliasesToExport @()
    # For information: the first call reads its command's body (implementation/) and
    # loads the managed facade and the native library; an offline command, so no server time is in it.
    $cases = @(
        @{ Name = 'empty'; Path = $emptyModule; Then = '' }
        @{ Name = 'declared'; Path = $declared; Then = '' }
        @{ Name = 'import'; Path = $module; Then = '' }
        @{ Name = 'first'; Path = $module; Then = '$null = Resolve-GitHubOidcSubject -Claim @{ repository = ''o/r''; ref = ''refs/heads/main'' }' }
    )
    $null = Measure-FreshImport $cases 1   # warm the disk cache for each
    $fresh = Measure-FreshImport $cases $FreshIterations
    Add-Row 'Import-Module, first command of a fresh pwsh (ms)' $fresh.import $fresh.empty 'empty script module, same way' '<= 150 ms'
    Add-Row 'Import-Module, first command of a fresh pwsh (ms)' $fresh.import $fresh.declared 'the same commands with empty bodies, same way' '(for information)'
    Add-Row 'Import-Module + first (offline) command, fresh pwsh (ms)' $fresh.first $fresh.empty 'empty script module, same way' '(for information)'

    # 1b. The first call (issue 20): whole fresh processes, paired. Each round runs the module's
    # script and the bare Invoke-RestMethod script in turn, first one then the other on
    # alternate rounds (the first process of a round runs slower here; so the machine's load
    # falls on both alike), with the result discarded and printed; the figure is the median
    # process time, from start to exit, as a scheduled script or a GitHub Actions step pays it.
    $scriptFolder = Join-Path (Split-Path $emptyModule -Parent) 'FirstCall'
    $null = New-Item -ItemType Directory -Force -Path $scriptFolder
    $endpoint = "$base/repos/octo-org/octo-repo/actions/oidc/customization/sub"
    $firstCall = [ordered]@{}
    foreach ($shown in 'discarded', 'printed') {
        $lead = if ($shown -eq 'discarded') { '$null = ' } else { '' }
        $moduleScript = Join-Path $scriptFolder "module-$shown.ps1"
        $restScript = Join-Path $scriptFolder "rest-$shown.ps1"
        Set-Content -LiteralPath $moduleScript -Value (
            "Import-Module '$module'`n" +
            "${lead}Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context @{ ApiBaseUri = '$base'; Token = 'test-admin-token' }")
        Set-Content -LiteralPath $restScript -Value (
            "${lead}Invoke-RestMethod '$endpoint' -AllowUnencryptedAuthentication " +
            "-Headers @{ Authorization = 'Bearer test-admin-token'; Accept = 'application/vnd.github+json'; 'X-GitHub-Api-Version' = '2022-11-28' }")
        $firstCall[$shown] = @{ Module = $moduleScript; Rest = $restScript }
    }
    $processTimes = @{}
    foreach ($key in 'module-discarded', 'rest-discarded', 'module-printed', 'rest-printed') { $processTimes[$key] = [System.Collections.Generic.List[double]]::new() }
    $rounds = [math]::Max(21, $FreshIterations)
    foreach ($round in 0..$rounds) {
        foreach ($shown in $firstCall.Keys) {
            foreach ($kind in $(if ($round % 2) { 'Rest', 'Module' } else { 'Module', 'Rest' })) {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $out = Invoke-Pwsh -NoProfile -NonInteractive -File $firstCall[$shown][$kind] 2>&1
                $elapsed = $watch.Elapsed.TotalMilliseconds
                if ($LASTEXITCODE -ne 0 -or ($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })) {
                    throw "The first-call script $($firstCall[$shown][$kind]) failed: $out"
                }
                # Round 0 warms the disk cache for each.
                if ($round -gt 0) { $processTimes["$($kind.ToLowerInvariant())-$shown"].Add($elapsed) }
            }
        }
    }
    foreach ($shown in $firstCall.Keys) {
        $moduleTimes = $processTimes["module-$shown"]
        $restTimes = $processTimes["rest-$shown"]
        Add-Row "First call, fresh pwsh: Import-Module + one Get-GitHubOidcSubjectClaim, result $shown (whole process, ms)" `
        (Get-Median $moduleTimes) (Get-Median $restTimes) 'the same script with one bare Invoke-RestMethod' '<= 1.1 x baseline'
        # The same pairs, each round's module time over its own Invoke-RestMethod time: a machine
        # that runs faster or slower for a while moves both of a round alike.
        $roundRatios = @(for ($i = 0; $i -lt $moduleTimes.Count; $i++) { $moduleTimes[$i] / $restTimes[$i] })
        Add-Row "First call, fresh pwsh, result ${shown}: median of each round's ratio (module / Invoke-RestMethod)" `
        (Get-Median $roundRatios) 1 'the bare Invoke-RestMethod script of the same round' '<= 1.1'
    }

    Import-Module $module -Force
    $ctx = @{ HostName = 'github.com'; ApiBaseUri = $base; IssuerUri = $base; Token = 'test-admin-token' }
    $global:BenchContext = $ctx

    # 2. Warm Tab on -IncludeClaimKeys beside the completion engine's floor (a trivial completer).
    # Both are warmed up, then measured in alternation (as the Get below).
    $line = 'Set-GitHubOidcSubjectClaim -Owner o -Repository r -Context $BenchContext -IncludeClaimKeys repo,job_'
    $null = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
    $check = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches.CompletionText
    if ($check -notcontains 'job_workflow_ref') { throw "The -IncludeClaimKeys completer did not answer: $check" }

    function global:Invoke-BenchFloor {
        param([Parameter()] [object] $Context, [string[]] $IncludeClaimKeys, [string] $Owner, [string] $Repository)
        $null = $Context, $IncludeClaimKeys, $Owner, $Repository
    }
    $script:floorKeys = [string[]]@('job_workflow_ref', 'job_workflow_sha', 'repo', 'context')
    Register-ArgumentCompleter -CommandName Invoke-BenchFloor -ParameterName IncludeClaimKeys -ScriptBlock {
        param($commandName, $parameterName, $wordToComplete)
        $null = $commandName, $parameterName
        foreach ($key in $script:floorKeys) {
            if ($key.StartsWith($wordToComplete)) { [System.Management.Automation.CompletionResult]::new($key, $key, 'ParameterValue', $key) }
        }
    }
    $floorLine = 'Invoke-BenchFloor -Owner o -Repository r -Context $BenchContext -IncludeClaimKeys repo,job_'
    $tabBlock = { [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null) }
    $floorBlock = { [System.Management.Automation.CommandCompletion]::CompleteInput($floorLine, $floorLine.Length, $null) }
    $requestsBefore = @(Invoke-RestMethod "$base/_fake/requests").Count
    foreach ($i in 1..([math]::Max(50, $Iterations))) { $null = & $tabBlock; $null = & $floorBlock }
    $tabTimes = [System.Collections.Generic.List[double]]::new()
    $floorTimes = [System.Collections.Generic.List[double]]::new()
    foreach ($i in 1..$Iterations) {
        foreach ($pair in @($tabBlock, $tabTimes), @($floorBlock, $floorTimes)) {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $null = & $pair[0]
            $pair[1].Add($watch.Elapsed.TotalMilliseconds)
        }
    }
    $tabRequests = @(Invoke-RestMethod "$base/_fake/requests").Count - $requestsBefore
    $complete = Get-Median $tabTimes
    $floor = Get-Median $floorTimes
    Add-Row "Warm Tab on -IncludeClaimKeys (ms; $tabRequests requests in $([math]::Max(50, $Iterations) + $Iterations) Tabs)" $complete $floor 'trivial completer (engine floor)' ('<= floor + 1 ms = {0:N2}; 0 requests' -f ($floor + 1))

    # 3. One Get beside one bare request to the same endpoint of the same server. Both are warmed
    # up first (PowerShell interprets a script function for its first calls and compiles it in the
    # background; the first requests open the connections), then measured in alternation, so the
    # machine's load falls on both alike: the figure is the steady per-call cost.
    $headers = @{ Authorization = 'Bearer test-admin-token'; Accept = 'application/vnd.github+json'; 'X-GitHub-Api-Version' = '2022-11-28' }
    $uri = "$base/repos/octo-org/octo-repo/actions/oidc/customization/sub"
    $getBlock = { Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $ctx }
    $restBlock = { Invoke-RestMethod $uri -Headers $headers -AllowUnencryptedAuthentication }
    $client = [System.Net.Http.HttpClient]::new()
    try {
        $send = {
            $message = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Get, $uri)
            foreach ($h in $headers.GetEnumerator()) { $null = $message.Headers.TryAddWithoutValidation($h.Key, $h.Value) }
            $response = $client.Send($message)
            $null = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json
            $response.Dispose()
        }
        foreach ($i in 1..([math]::Max(50, $Iterations))) { $null = & $getBlock; $null = & $restBlock; $null = & $send }
        $getTimes = [System.Collections.Generic.List[double]]::new()
        $restTimes = [System.Collections.Generic.List[double]]::new()
        $httpTimes = [System.Collections.Generic.List[double]]::new()
        foreach ($i in 1..($Iterations * 5)) {
            foreach ($pair in @($getBlock, $getTimes), @($restBlock, $restTimes), @($send, $httpTimes)) {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $null = & $pair[0]
                $pair[1].Add($watch.Elapsed.TotalMilliseconds)
            }
        }
        $get = Get-Median $getTimes
        $rest = Get-Median $restTimes
        $http = Get-Median $httpTimes
    } finally {
        $client.Dispose()
    }
    Add-Row 'One Get-GitHubOidcSubjectClaim (ms)' $get $rest 'one bare Invoke-RestMethod' '<= 1.5 x baseline'
    Add-Row 'One Get-GitHubOidcSubjectClaim (ms)' $get $http 'one bare HttpClient request + ConvertFrom-Json' '(for information)'

    # 4. Memory: 100,000 offline calls from C (no host in the way); needs a C compiler.
    $cc = @('cc', 'gcc', 'clang') | Where-Object { Get-Command $_ -ErrorAction SilentlyContinue } | Select-Object -First 1
    if ($cc -and $IsLinux) {
        $release = Join-Path $root 'target/release'
        $loopExe = Join-Path $root 'target/abi_test_bench'
        & $cc -std=c11 -O2 -I (Join-Path $root 'bindings') (Join-Path $root 'tests/c/abi_test.c') -L $release -lgithub_oidc "-Wl,-rpath,$release" -o $loopExe
        if ($LASTEXITCODE -eq 0) {
            $rss = & $loopExe --loop 100000 | Select-String 'rss: (\d+) KB after \d+ warm-up calls, \d+ KB after \d+ more, growth (-?\d+) KB'
            if ($LASTEXITCODE -ne 0 -or -not $rss) { Write-Warning 'abi_test --loop 100000 failed.' }
            else {
                Add-Row 'RSS growth over 100,000 calls (KB)' ([double]$rss.Matches[0].Groups[2].Value) ([double]$rss.Matches[0].Groups[1].Value) `
                    'RSS after 1,000 warm-up calls' '< 1024 KB growth'
            }
        } else {
            Write-Warning 'tests/c/abi_test.c did not compile against target/release (build first): the RSS figure is skipped.'
        }
    } else {
        Write-Warning 'No C compiler (or not Linux): the RSS figure is skipped.'
    }
} finally {
    $rows | Format-Table -AutoSize -Wrap | Out-String -Width 200 | Write-Output
    $fake.StandardInput.Close()
    if (-not $fake.WaitForExit(3000)) { $fake.Kill() }
    Remove-Item -LiteralPath (Split-Path $emptyModule -Parent) -Recurse -Force -ErrorAction Ignore
}
