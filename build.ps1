#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the GitHubOidc module, and with -Test runs every test.

.DESCRIPTION
    ./build.ps1 builds the Rust native library (release), regenerates the committed bindings
    (bindings/Interop.cs with interoptopus, bindings/github_oidc.h with cbindgen), builds the
    managed assembly and assembles the importable module in output/GitHubOidc:

        output/GitHubOidc/
            GitHubOidc.psd1, *.ps1xml, GitHubOidc.psm1 (the loader + Private/, Public/ and completers.ps1 in one file)
            bin/GitHubOidc.Native.dll
            runtimes/<rid>/native/<libgithub_oidc.so | libgithub_oidc.dylib | github_oidc.dll>

    ./build.ps1 -Test then runs, in order: cargo fmt --check, cargo clippy -D warnings, the
    bindings drift check (git diff on bindings/), cargo test, the C ABI test (a C program
    compiled against bindings/github_oidc.h, when a C compiler is on PATH), PSScriptAnalyzer
    (when installed) and the Pester tests in a fresh pwsh -NoProfile against the built module
    and the fake GitHub server. It ends with the line "N passed, M failed".

    Needs PowerShell 7.4+, Rust (cargo) and the .NET SDK 8+; Pester 5 for -Test.

.PARAMETER Test
    Run every test after building.

.PARAMETER Configuration
    Cargo/dotnet configuration of the module: Release (default) or Debug.

.PARAMETER SkipBuild
    With -Test: test what output/ already holds.

.EXAMPLE
    ./build.ps1
    Import-Module ./output/GitHubOidc

.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [switch] $Test,
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',
    [switch] $SkipBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Output = Join-Path $Root 'output/GitHubOidc'
$CargoProfileDir = if ($Configuration -eq 'Release') { 'release' } else { 'debug' }
[string[]] $CargoProfileArg = if ($Configuration -eq 'Release') { @('--release') } else { @() }
$Target = Join-Path $Root "target/$CargoProfileDir"

function Invoke-Native {
    # Runs a native command and stops with a sentence when it fails.
    param([string] $What, [scriptblock] $Command)
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "build.ps1: $What failed (exit code $LASTEXITCODE)." }
}

function Get-RuntimeId {
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    "$os-$arch"
}

function Get-NativeLibraryName {
    if ($IsWindows) { 'github_oidc.dll' } elseif ($IsMacOS) { 'libgithub_oidc.dylib' } else { 'libgithub_oidc.so' }
}

function Build-Module {
    foreach ($tool in 'cargo', 'dotnet') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "build.ps1: '$tool' was not found on PATH. Install Rust (https://rustup.rs) and the .NET SDK 8 or newer."
        }
    }
    Push-Location $Root
    try {
        Invoke-Native 'cargo build (native library, fake server, bindings generator)' {
            cargo build @CargoProfileArg --locked -p github_oidc_ffi -p fake_github -p github_oidc_bindgen
        }
        Invoke-Native 'generate bindings/ (interoptopus + cbindgen)' {
            & (Join-Path $Target 'github_oidc_bindgen') (Join-Path $Root 'bindings')
        }
        # Start from an empty module folder, so nothing stale is loaded.
        if (Test-Path $Output) { Remove-Item $Output -Recurse -Force }
        $bin = Join-Path $Output 'bin'
        Invoke-Native 'dotnet build (GitHubOidc.Native)' {
            dotnet build (Join-Path $Root 'powershell/GitHubOidc.Native/GitHubOidc.Native.csproj') -c $Configuration -o $bin --nologo -v quiet
        }
        $source = Join-Path $Root 'powershell'
        foreach ($item in 'GitHubOidc.psd1', 'GitHubOidc.format.ps1xml', 'GitHubOidc.types.ps1xml') {
            Copy-Item (Join-Path $source $item) -Destination $Output -Force
        }
        # One .psm1: the loader followed by every private and public function and the completers
        # (a single file imports faster than dot-sourcing each one).
        $parts = @(Get-ChildItem (Join-Path $source 'Private'), (Join-Path $source 'Public') -Filter *.ps1 | Sort-Object FullName)
        $parts += Get-Item (Join-Path $source 'completers.ps1')
        $psm1 = [System.Text.StringBuilder]::new((Get-Content (Join-Path $source 'GitHubOidc.psm1') -Raw))
        foreach ($part in $parts) {
            $relative = [System.IO.Path]::GetRelativePath($source, $part.FullName)
            $null = $psm1.AppendLine().AppendLine("#region $relative").AppendLine((Get-Content $part.FullName -Raw).TrimEnd()).AppendLine("#endregion $relative")
        }
        Set-Content -Path (Join-Path $Output 'GitHubOidc.psm1') -Value $psm1.ToString() -Encoding utf8NoBOM
        $native = Join-Path $Output "runtimes/$(Get-RuntimeId)/native"
        New-Item -ItemType Directory -Force -Path $native | Out-Null
        Copy-Item (Join-Path $Target (Get-NativeLibraryName)) -Destination $native -Force
        # Build leftovers the module does not need.
        Get-ChildItem $bin -Include '*.pdb', '*.deps.json' -Recurse | Remove-Item -Force
        Write-Host "Built module: $Output" -ForegroundColor Green
    } finally {
        Pop-Location
    }
}

function Invoke-Step {
    # Runs one test step; a step that throws counts as one failure, so the summary always prints.
    param([string] $Name, [scriptblock] $Step)
    try {
        $script:Results[$Name] = & $Step
    } catch {
        Write-Host "FAILED: ${Name}: $($_.Exception.Message)" -ForegroundColor Red
        $script:Results[$Name] = @{ Passed = 0; Failed = 1 }
    }
}

function Invoke-Check {
    # A native check that passes or fails as a whole.
    param([string] $What, [scriptblock] $Command)
    Invoke-Native $What $Command | Out-Host
    @{ Passed = 1; Failed = 0 }
}

function Invoke-Tests {
    $script:Results = [ordered]@{}
    # Under CI a missing optional tool is a failure, not a skip.
    $strict = [bool]$env:CI
    Push-Location $Root
    try {
        Invoke-Step 'cargo fmt' { Invoke-Check 'cargo fmt --check' { cargo fmt --all -- --check } }
        Invoke-Step 'cargo clippy' { Invoke-Check 'cargo clippy -D warnings' { cargo clippy --workspace --all-targets --locked -- -D warnings } }

        if ((Get-Command git -ErrorAction SilentlyContinue) -and (Test-Path (Join-Path $Root '.git'))) {
            Invoke-Step 'bindings drift' {
                Write-Host '==> bindings drift check' -ForegroundColor Cyan
                $drift = git -C $Root status --porcelain -- bindings
                if ($drift) {
                    git -C $Root --no-pager diff --stat -- bindings | Out-Host
                    throw 'bindings/ differ from what the code generates. Run ./build.ps1 and commit bindings/.'
                }
                @{ Passed = 1; Failed = 0 }
            }
        }

        Invoke-Step 'cargo test' {
            Write-Host '==> cargo test' -ForegroundColor Cyan
            $env:RUST_BACKTRACE = '1'
            cargo test @CargoProfileArg --workspace --locked 2>&1 | ForEach-Object { "$_" } | Tee-Object -Variable cargoLines | Out-Host
            $cargoExit = $LASTEXITCODE
            $passed = 0; $failed = 0
            foreach ($line in $cargoLines) {
                if ($line -match 'test result: \w+\. (\d+) passed; (\d+) failed') {
                    $passed += [int]$Matches[1]; $failed += [int]$Matches[2]
                }
            }
            if ($cargoExit -ne 0 -and $failed -eq 0) { $failed = 1 }
            @{ Passed = $passed; Failed = $failed }
        }

        Invoke-Step 'C ABI' { Invoke-CAbiTest -Strict:$strict }

        Invoke-Step 'PSScriptAnalyzer' {
            if (-not (Get-Module -ListAvailable PSScriptAnalyzer)) {
                if ($strict) { throw 'PSScriptAnalyzer is not installed.' }
                Write-Warning 'PSScriptAnalyzer is not installed: skipping the lint step (Install-PSResource PSScriptAnalyzer).'
                return @{ Passed = 0; Failed = 0 }
            }
            Write-Host '==> PSScriptAnalyzer (PSGallery rules)' -ForegroundColor Cyan
            $findings = @(Invoke-ScriptAnalyzer -Path (Join-Path $Root 'powershell') -Recurse -Settings PSGallery)
            $findings | Format-Table -AutoSize | Out-Host
            @{ Passed = [int]($findings.Count -eq 0); Failed = [int]($findings.Count -ne 0) }
        }

        Invoke-Step 'Pester' { Invoke-PesterTests }
    } finally {
        Pop-Location
    }
    Write-Host ''
    $totalPassed = 0; $totalFailed = 0
    foreach ($name in $script:Results.Keys) {
        $r = $script:Results[$name]
        Write-Host ('{0,-18} {1,5} passed, {2,3} failed' -f $name, $r.Passed, $r.Failed)
        $totalPassed += $r.Passed; $totalFailed += $r.Failed
    }
    Write-Host "$totalPassed passed, $totalFailed failed"
    if ($totalFailed -gt 0) { exit 1 }
}

function Invoke-CAbiTest {
    # Compiles tests/c/abi_test.c against the committed header and runs it against the fake server.
    param([switch] $Strict)
    $cc = @('cc', 'gcc', 'clang') | Where-Object { Get-Command $_ -ErrorAction SilentlyContinue } | Select-Object -First 1
    if ($Strict -and -not $cc -and -not $IsWindows) { throw 'No C compiler (cc, gcc or clang) on PATH for the C ABI test.' }
    if (-not $cc -or $IsWindows) {
        Write-Warning 'No C compiler on PATH (or Windows): skipping the C ABI test.'
        return @{ Passed = 0; Failed = 0 }
    }
    Write-Host '==> C ABI test' -ForegroundColor Cyan
    $exe = Join-Path $Root 'target/abi_test'
    & $cc -std=c11 -Wall -Werror -I (Join-Path $Root 'bindings') (Join-Path $Root 'tests/c/abi_test.c') `
        -L $Target -lgithub_oidc "-Wl,-rpath,$Target" -o $exe | Out-Host
    if ($LASTEXITCODE -ne 0) { return @{ Passed = 0; Failed = 1 } }
    $server = Start-Process -FilePath (Join-Path $Target 'fake_github') -ArgumentList '--port', '0' `
        -RedirectStandardOutput (Join-Path $Root 'target/abi_fake.out') -PassThru -NoNewWindow
    try {
        $deadline = (Get-Date).AddSeconds(20)
        $url = $null
        while (-not $url -and (Get-Date) -lt $deadline) {
            Start-Sleep -Milliseconds 100
            $line = Get-Content (Join-Path $Root 'target/abi_fake.out') -TotalCount 1 -ErrorAction SilentlyContinue
            if ($line -match 'listening on (\S+)') { $url = $Matches[1] }
        }
        if (-not $url) { throw 'build.ps1: the fake GitHub server did not start.' }
        & $exe $url | Out-Host
        $ok = $LASTEXITCODE -eq 0
    } finally {
        Stop-Process -Id $server.Id -ErrorAction SilentlyContinue
    }
    @{ Passed = [int]$ok; Failed = [int](-not $ok) }
}

function Invoke-PesterTests {
    if (-not (Get-Module -ListAvailable Pester | Where-Object Version -GE '5.0.0')) {
        throw 'build.ps1: Pester 5 is needed for the tests: Install-PSResource Pester (or Install-Module Pester -MinimumVersion 5.0).'
    }
    Write-Host '==> Pester (fresh pwsh -NoProfile)' -ForegroundColor Cyan
    $resultFile = Join-Path $Root 'target/pester-result.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    $env:GITHUBOIDC_MODULE_PATH = $Output
    $env:GITHUBOIDC_FAKE_SERVER = Join-Path $Target 'fake_github'
    # The tests run with PowerShell's default preferences (ErrorActionPreference Continue), as a user's session.
    $script = @"
Import-Module Pester -MinimumVersion 5.0
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $Root 'tests')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$r = Invoke-Pester -Configuration `$c
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount } | ConvertTo-Json | Set-Content '$resultFile'
"@
    pwsh -NoProfile -NonInteractive -Command $script | Out-Host
    if (-not (Test-Path $resultFile)) { return @{ Passed = 0; Failed = 1 } }
    $r = Get-Content $resultFile -Raw | ConvertFrom-Json
    @{ Passed = [int]$r.Passed; Failed = [int]$r.Failed }
}

if (-not $SkipBuild) { Build-Module }
if ($Test) { Invoke-Tests }
