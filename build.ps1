#Requires -Version 7.4

<#
.SYNOPSIS
    Builds the GitHubOidc module, and with -Test runs every test.

.DESCRIPTION
    ./build.ps1 builds the Rust native library (release), regenerates the committed bindings
    (bindings/Interop.cs with interoptopus, bindings/github_oidc.h with cbindgen), builds the
    managed assembly and assembles the importable module in output/GitHubOidc:

        output/GitHubOidc/
            GitHubOidc.psd1, *.ps1xml, format/GitHubOidc.Format.psd1 (the views, loaded on the first call)
            GitHubOidc.psm1 (the loader and each public command's signature: help, attributes, param block)
            implementation/*.ps1 (a file per command's blocks, per Private/ file and completers.ps1; each read on first use)
            bin/GitHubOidc.Native.dll
            runtimes/<rid>/native/<libgithub_oidc.so | libgithub_oidc.dylib | github_oidc.dll>

    ./build.ps1 -Test then runs, in order: cargo fmt --check, cargo clippy -D warnings, the
    bindings drift check (git diff on bindings/), cargo test, the C ABI test (a C program
    compiled against bindings/github_oidc.h, when a C compiler is on PATH), the memory check (the
    C ABI test and a 100,000-call loop under valgrind, on Linux when valgrind is installed),
    PSScriptAnalyzer (when installed; on powershell/ and the built module), the package (when PSResourceGet is
    installed: output/GitHubOidc.<version>.nupkg, which tests/Package.Tests.ps1 installs) and the
    Pester tests in a fresh pwsh -NoProfile against the built module and the fake GitHub server.
    It ends with the line "N passed, M failed, K skipped": cargo's ignored tests, Pester's skipped
    (and not run) tests and the steps skipped for a missing tool count as skipped. Under CI (CI set)
    a skip is a failure unless it is for a platform reason that cannot hold on Linux CI: a step
    skipped on Windows or macOS, or a Pester test skipped with
    Set-ItResult -Skipped -Because 'platform: ...' (tests/README.md).

    The version is Cargo.toml's [workspace.package] version: build.ps1 writes it into the built
    manifest (ModuleVersion, and Prerelease for x.y.z-label) and the assembly, and this version's
    CHANGELOG.md section into the manifest's ReleaseNotes.

    Child pwsh processes are started the way this one runs: its pwsh executable, or
    `dotnet pwsh.dll` under the .NET tool.

    Needs PowerShell 7.4+, Rust (cargo) and the .NET SDK 8+; Pester 5 for -Test.

.PARAMETER Test
    Run every test after building.

.PARAMETER Configuration
    Cargo/dotnet configuration of the module: Release (default) or Debug.

.PARAMETER SkipBuild
    With -Test or -Package: use what output/ already holds.

.PARAMETER Package
    Also write output/GitHubOidc.<version>.nupkg: the module as the PowerShell Gallery receives it,
    made with Publish-PSResource to a temporary local file repository. -Test makes it too (when
    PSResourceGet is installed), for the install test.

.PARAMETER NativeOnly
    Build only the native library, for -RustTarget (default: this machine), into
    output/native/<rid>/. The release workflow runs this once per platform.

.PARAMETER RustTarget
    With -NativeOnly: the cargo target triple (x86_64-unknown-linux-gnu, aarch64-apple-darwin,
    aarch64-pc-windows-msvc, ...). Added with rustup when it is missing.

.PARAMETER AssembleFrom
    A folder holding the output/native/<rid>/ folders of -NativeOnly runs for all six released
    platforms (linux, osx and win; x64 and arm64): the built module carries every one of them in
    runtimes/<rid>/native/.

.PARAMETER InstallTest
    Run only the install test (tests/Package.Tests.ps1) against the package at -PackagePath,
    building nothing but the fake GitHub server. Ends with the line "N passed, M failed, K skipped".

.PARAMETER PackagePath
    The .nupkg, or a folder holding exactly one, for -InstallTest, -Publish and -Test (default: the
    package in output/).

.PARAMETER MemoryCheck
    Kept for compatibility; does nothing: -Test always runs the memory check (the C ABI test and a
    100,000-call loop under valgrind --leak-check=full: zero errors and no definite leak; the only
    suppressions are the commented LLVM false positives in tests/c/valgrind.supp). It is skipped
    with a warning where valgrind or a C compiler is missing, and on Windows and macOS; under CI
    (CI set) a Linux machine without them fails.

.PARAMETER InstallTools
    Install what -Test needs and this machine lacks from the system's package manager: on Linux
    with apt-get, a C compiler (gcc), valgrind and python3-yaml (the YAML parser of
    tests/Workflows.Tests.ps1, when no python on PATH imports yaml), with sudo -n when not root.
    Nothing to do elsewhere. The CI workflow runs it before -Test, which fails under CI on Linux
    without them.

.PARAMETER Fuzz
    Run every fuzz target in fuzz/ (libFuzzer, built with the nightly toolchain and
    AddressSanitizer) for -Minutes in all, split evenly; seeds come from fuzz/corpus/<target>/,
    new inputs go to target/fuzz-corpus/<target>/ and a finding to fuzz/artifacts/<target>/.
    Builds nothing else. Needs `rustup toolchain install nightly` on Linux x64.

.PARAMETER Minutes
    With -Fuzz: total fuzzing time in minutes (default 10).

.PARAMETER Publish
    Publish the package at -PackagePath to the PowerShell Gallery with -ApiKey (nothing is built).

.PARAMETER ApiKey
    The PowerShell Gallery API key for -Publish. In a workflow, pass it from a secret through an
    environment variable: -ApiKey $env:PSGALLERY_API_KEY.

.EXAMPLE
    ./build.ps1
    Import-Module ./output/GitHubOidc

.EXAMPLE
    ./build.ps1 -Test

.EXAMPLE
    ./build.ps1 -Package

.EXAMPLE
    ./build.ps1 -InstallTools   # Linux: apt-get install gcc and valgrind when missing (CI)
    ./build.ps1 -Test

.EXAMPLE
    ./build.ps1 -Fuzz -Minutes 30
    Install-PSResource GitHubOidc -Repository <a file repository holding output/GitHubOidc.<version>.nupkg>

.EXAMPLE
    ./build.ps1 -NativeOnly -RustTarget aarch64-apple-darwin   # release matrix: one platform each
    ./build.ps1 -Package -AssembleFrom native                   # one package with all six
    ./build.ps1 -InstallTest -PackagePath output
    ./build.ps1 -Publish -PackagePath output -ApiKey $env:PSGALLERY_API_KEY
#>
[CmdletBinding()]
param(
    [switch] $Test,
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',
    [switch] $SkipBuild,
    [switch] $Package,
    [switch] $NativeOnly,
    [string] $RustTarget,
    [string] $AssembleFrom,
    [switch] $InstallTest,
    [string] $PackagePath,
    [switch] $Publish,
    [string] $ApiKey,
    [switch] $MemoryCheck,
    [switch] $InstallTools,
    [switch] $Fuzz,
    [ValidateRange(1, 10080)]
    [int] $Minutes = 10
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
# Get-ChildPwshCommand and Invoke-Pwsh: child pwsh processes, started the way this one runs (shared with tests/common.ps1).
. (Join-Path $Root 'tools/ChildPwsh.ps1')
. (Join-Path $Root 'tools/MamlHelp.ps1')
# Get-YamlPython: the python with PyYAML that tests/Workflows.Tests.ps1 uses (-InstallTools installs one).
. (Join-Path $Root 'tools/YamlPython.ps1')
# The one Pester version the tests need (every tests/*.Tests.ps1 #Requires the same; Module.Tests checks it).
$PesterVersion = '5.5.0'
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

function Write-ModuleScript {
    <#
    .SYNOPSIS
        Writes the built module's two scripts from powershell/ (see powershell/README.md, "Import").
    .DESCRIPTION
        GitHubOidc.psm1: powershell/GitHubOidc.psm1 (the loader), then each public command's
        signature as written in Public/: its attributes and param block, with blocks that
        dot-source the command's own begin/process/end blocks. So Get-Command -Syntax and
        parameter completion see the real command, and importing parses no command body.
        en-US/GitHubOidc.psm1-help.xml: the commands' comment-based help as MAML
        (tools/MamlHelp.ps1, from Get-Help on the source functions); each signature names it
        with .ExternalHelp instead of carrying the help text, which import would parse. A
        command compiled in the facade (its file's first line: '# Compiled: <class>') has no
        signature or unit: its file is its help and parameters, and its help goes to
        en-US/GitHubOidc.Native.dll-Help.xml, where PowerShell looks for a cmdlet's help.
        implementation/<Unit>.ps1, one file per unit: a command's blocks (as
        $script:GitHubOidcBody['Name'].Begin, .Process, .End), a file of Private/, completers.ps1
        (their functions defined in the module's scope: function script:Name). Each file's third
        line names the units it uses (the private functions it calls, the $script: values another
        file sets), found in its syntax tree here. Import-GitHubOidcImplementation reads a
        command's unit and all it uses, as one script block, on the command's first call: a
        fresh pwsh's first command parses and compiles only its own code (issue 20). A
        dot-sourced block runs in the command's own scope: its parameters, $PSCmdlet and
        $PSBoundParameters are the command's.
    #>
    param([string] $Source, [string] $Destination)
    $parse = {
        param([string] $path)
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref] $tokens, [ref] $errors)
        if ($errors) { throw "build.ps1: ${path}: $($errors[0].Message) (line $($errors[0].Extent.StartLineNumber))" }
        $ast
    }
    $psm1 = [System.Text.StringBuilder]::new((Get-Content (Join-Path $Source 'GitHubOidc.psm1') -Raw).TrimEnd())
    # Unit name -> its text, the commands it calls and the $script: values it reads; what defines what.
    $units = [ordered]@{}
    $definedBy = @{}
    $uses = {
        param([System.Management.Automation.Language.Ast] $ast)
        @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() }) +
        @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.VariableExpressionAst] -and $args[0].VariablePath.IsScript }, $true) |
                ForEach-Object { '$' + ($_.VariablePath.UserPath -replace '^script:', '') })
    }

    $private = @(Get-ChildItem (Join-Path $Source 'Private') -Filter *.ps1 | Sort-Object FullName) + @(Get-Item (Join-Path $Source 'completers.ps1'))
    foreach ($file in $private) {
        $ast = & $parse $file.FullName
        $text = $ast.Extent.Text
        $unit = $file.BaseName
        # The file is read inside Import-GitHubOidcImplementation: anything but a function or a
        # $script: assignment would stay in that function's scope.
        foreach ($statement in $ast.EndBlock.Statements) {
            $scriptAssignment = $statement -is [System.Management.Automation.Language.AssignmentStatementAst] -and
            $statement.Left -is [System.Management.Automation.Language.VariableExpressionAst] -and
            $statement.Left.VariablePath.IsScript
            if ($statement -isnot [System.Management.Automation.Language.FunctionDefinitionAst] -and -not $scriptAssignment) {
                throw "build.ps1: $($file.Name) line $($statement.Extent.StartLineNumber): only functions and `$script: assignments belong at the top of a private file."
            }
            if ($scriptAssignment) { $definedBy['$' + ($statement.Left.VariablePath.UserPath -replace '^script:', '')] = $unit }
        }
        # Back to front, so earlier offsets stay valid: 'function Name' -> 'function script:Name'.
        $functions = @($ast.EndBlock.Statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] })
        [array]::Reverse($functions)
        foreach ($function in $functions) {
            $head = [regex]::Match($function.Extent.Text, '^function\s+' + [regex]::Escape($function.Name))
            if (-not $head.Success) { throw "build.ps1: $($file.Name): cannot find the header of $($function.Name)." }
            $text = $text.Remove($function.Extent.StartOffset, $head.Length).Insert($function.Extent.StartOffset, "function script:$($function.Name)")
            $definedBy[$function.Name] = $unit
        }
        $relative = [System.IO.Path]::GetRelativePath($Source, $file.FullName)
        $units[$unit] = @{ Source = $relative; Text = $text.TrimEnd(); Uses = & $uses $ast }
    }

    $HelpFileName = 'GitHubOidc.psm1-help.xml'
    $help = [System.Collections.Generic.List[object]]::new()
    # Commands compiled in the facade (a file of Public/ whose first line says '# Compiled: <class>'):
    # their file is their help and parameters; the help goes to the facade's MAML file, where
    # PowerShell looks for a cmdlet's help (en-US/GitHubOidc.Native.dll-Help.xml).
    $compiledHelp = [System.Collections.Generic.List[object]]::new()
    foreach ($file in @(Get-ChildItem (Join-Path $Source 'Public') -Filter *.ps1 | Sort-Object FullName)) {
        $ast = & $parse $file.FullName
        $functions = @($ast.EndBlock.Statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] })
        $others = @($ast.EndBlock.Statements | Where-Object { $_ -isnot [System.Management.Automation.Language.FunctionDefinitionAst] })
        if ($functions.Count -ne 1 -or $others.Count -or $ast.ParamBlock -or $ast.BeginBlock -or $ast.ProcessBlock) {
            throw "build.ps1: $($file.Name) must hold exactly one function and nothing else."
        }
        $function = $functions[0]
        $body = $function.Body
        if (-not $body.ParamBlock -or $body.DynamicParamBlock -or $body.CleanBlock) {
            throw "build.ps1: $($function.Name) needs a param block and no dynamicparam or clean block."
        }
        $name = $function.Name
        # The signature: the function up to its param block, with the help block (the comment
        # that holds .SYNOPSIS) replaced by .ExternalHelp, and no SuppressMessage attribute (its
        # type costs a lookup at import; PSScriptAnalyzer reads the source for those rules).
        $signatureText = $function.Extent.Text.Substring(0, $body.ParamBlock.Extent.EndOffset - $function.Extent.StartOffset)
        $signatureTokens = $null
        $signatureAst = [System.Management.Automation.Language.Parser]::ParseInput($signatureText + "`n}", [ref] $signatureTokens, [ref] $null)
        $helpComments = @($signatureTokens | Where-Object { $_.Kind -eq 'Comment' -and $_.Text -match '^<#[\s\S]*\.SYNOPSIS' })
        if ($helpComments.Count -ne 1) { throw "build.ps1: $name needs one comment-based help block with .SYNOPSIS before its param block." }
        $cuts = @($helpComments | ForEach-Object { @{ Start = $_.Extent.StartOffset; End = $_.Extent.EndOffset; With = "# .ExternalHelp $HelpFileName" } })
        $cuts += @($signatureAst.FindAll({ $args[0] -is [System.Management.Automation.Language.AttributeAst] -and
                    $args[0].TypeName.FullName -match '^(System\.)?Diagnostics\.CodeAnalysis\.SuppressMessage(Attribute)?$' }, $true) |
                ForEach-Object { @{ Start = $_.Extent.StartOffset; End = $_.Extent.EndOffset; With = '' } })
        foreach ($cut in ($cuts | Sort-Object { $_.Start } -Descending)) {
            $start = $cut.Start
            $end = $cut.End
            # An attribute alone on its line goes with its line.
            $lineStart = $signatureText.LastIndexOf("`n", [math]::Max(0, $start - 1)) + 1
            $rest = [regex]::Match($signatureText.Substring($end), '^[ \t]*\r?\n')
            if (-not $cut.With -and $signatureText.Substring($lineStart, $start - $lineStart).Trim() -eq '' -and $rest.Success) {
                $start = $lineStart
                $end += $rest.Length
            }
            $signatureText = $signatureText.Remove($start, $end - $start).Insert($start, $cut.With)
        }
        $signature = $signatureText
        if ((Get-Content -LiteralPath $file.FullName -TotalCount 1) -match '^# Compiled: (\S+)') {
            if (@($body.BeginBlock, $body.ProcessBlock, $body.EndBlock | Where-Object { $_ -and $_.Statements.Count }).Count) {
                throw "build.ps1: $name is compiled ($($Matches[1])): its file declares parameters and help only, no statements."
            }
            $compiledHelp.Add((& { . $file.FullName; Get-Help -Name $name -Full }))
            continue
        }
        $help.Add((& { . $file.FullName; Get-Help -Name $name -Full }))
        if (-not ($body.ParamBlock.Attributes | Where-Object { $_.TypeName.Name -eq 'CmdletBinding' })) {
            throw "build.ps1: $($function.Name) needs [CmdletBinding()] (its blocks use `$PSCmdlet)."
        }
        $text = $ast.Extent.Text
        $blocks = [ordered]@{}
        foreach ($kind in 'Begin', 'Process', 'End') {
            $block = $body."${kind}Block"
            if (-not $block) { continue }
            # The block's statements in braces. An unnamed block's extent starts with the param block.
            $start = if ($block.Unnamed) { $body.ParamBlock.Extent.EndOffset } else { $block.Extent.StartOffset + $block.Extent.Text.IndexOf('{') + 1 }
            $end = if ($block.Unnamed) { $block.Extent.EndOffset } else { $block.Extent.EndOffset - 1 }
            # A dot-sourced block gets its own $PSBoundParameters (empty) and $MyInvocation; the
            # command's are $PSCmdlet.MyInvocation's. Back to front, so earlier offsets stay valid.
            $variables = @($block.FindAll({ $args[0] -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) |
                    Where-Object { $_.VariablePath.UserPath -in 'PSBoundParameters', 'MyInvocation', 'input', 'args' } |
                    Sort-Object { $_.Extent.StartOffset } -Descending)
            $statements = $text.Substring($start, $end - $start)
            foreach ($variable in $variables) {
                if ($variable.VariablePath.UserPath -ne 'PSBoundParameters' -or $variable.Splatted) {
                    throw "build.ps1: $($function.Name) uses $($variable.Extent.Text) (line $($variable.Extent.StartLineNumber)): not available in a dot-sourced block; use `$PSCmdlet.MyInvocation."
                }
                $statements = $statements.Remove($variable.Extent.StartOffset - $start, $variable.Extent.EndOffset - $variable.Extent.StartOffset).
                Insert($variable.Extent.StartOffset - $start, '$PSCmdlet.MyInvocation.BoundParameters')
            }
            $blocks[$kind] = "{`n$($statements.Trim([char[]]"`r`n").TrimEnd())`n    }"
        }
        $relative = [System.IO.Path]::GetRelativePath($Source, $file.FullName)
        $bodyText = [System.Text.StringBuilder]::new().AppendLine("`$script:GitHubOidcBody['$name'] = @{")
        foreach ($kind in $blocks.Keys) {
            $null = $bodyText.AppendLine("    $($kind.PadRight(7)) = $($blocks[$kind])")
        }
        $units[$name] = @{ Source = $relative; Text = $bodyText.Append('}').ToString(); Uses = & $uses $body }

        $call = "`$script:GitHubOidcBody['$name']"
        $null = $psm1.AppendLine().AppendLine().AppendLine("#region $relative").AppendLine($signature).
        AppendLine('    begin {').
        AppendLine("        if (`$null -eq `$script:GitHubOidcBody -or -not `$script:GitHubOidcBody.Contains('$name')) {").
        AppendLine("            Import-GitHubOidcImplementation '$name'").
        AppendLine('        }')
        if ($blocks.Contains('Begin')) { $null = $psm1.AppendLine("        . $call.Begin") }
        $null = $psm1.AppendLine('    }')
        if ($blocks.Contains('Process')) { $null = $psm1.AppendLine("    process { . $call.Process }") }
        if ($blocks.Contains('End')) { $null = $psm1.AppendLine("    end { . $call.End }") }
        $null = $psm1.AppendLine('}').Append("#endregion $relative")
    }
    Set-Content -Path (Join-Path $Destination 'GitHubOidc.psm1') -Value $psm1.ToString() -Encoding utf8NoBOM
    $folder = New-Item -ItemType Directory -Force -Path (Join-Path $Destination 'implementation')
    foreach ($unit in $units.Keys) {
        $needs = @($units[$unit].Uses | Where-Object { $_ } | ForEach-Object { $definedBy[$_] } | Where-Object { $_ -and $_ -ne $unit } | Sort-Object -Unique)
        # Line 3 names the units this one uses: GitHubOidc.Native.Implementation.Read reads them with it.
        $text = [System.Text.StringBuilder]::new().
        AppendLine("# GitHubOidc: $($units[$unit].Source), generated by build.ps1 (edit that file). Read once by").
        AppendLine('# Import-GitHubOidcImplementation (GitHubOidc.psm1), with the units it uses (next line) and theirs.').
        AppendLine("# Uses: $($needs -join ' ')")
        Set-Content -Path (Join-Path $folder "$unit.ps1") -Value $text.AppendLine($units[$unit].Text).ToString() -Encoding utf8NoBOM
    }
    $helpFolder = New-Item -ItemType Directory -Force -Path (Join-Path $Destination 'en-US')
    Set-Content -Path (Join-Path $helpFolder $HelpFileName) -Value (ConvertTo-MamlHelp -Help $help) -Encoding utf8NoBOM
    if ($compiledHelp.Count) {
        Set-Content -Path (Join-Path $helpFolder 'GitHubOidc.Native.dll-Help.xml') -Value (ConvertTo-MamlHelp -Help $compiledHelp) -Encoding utf8NoBOM
    }
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
            dotnet build (Join-Path $Root 'powershell/GitHubOidc.Native/GitHubOidc.Native.csproj') -c $Configuration -o $bin --nologo -v quiet "-p:Version=$(Get-WorkspaceVersion)"
        }
        $source = Join-Path $Root 'powershell'
        foreach ($item in 'GitHubOidc.psd1', 'GitHubOidc.format.ps1xml') {
            Copy-Item (Join-Path $source $item) -Destination $Output -Force
        }
        # The views' nested manifest, in a folder of its own: a second .psd1 beside GitHubOidc.psd1
        # would be taken for the module's manifest by Publish-PSResource.
        $formatFolder = New-Item -ItemType Directory -Force -Path (Join-Path $Output 'format')
        Copy-Item (Join-Path $source 'format/GitHubOidc.Format.psd1') -Destination $formatFolder -Force
        # The desired-state file's JSON Schema (generated into bindings/ by github_oidc_bindgen).
        Copy-Item (Join-Path $Root 'bindings/GitHubOidc.DesiredState.schema.json') -Destination $Output -Force
        Write-ModuleScript -Source $source -Destination $Output
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
        $script:Results[$Name] = @{ Passed = 0; Failed = 1; Skipped = 0 }
    }
}

function Invoke-Check {
    # A native check that passes or fails as a whole.
    param([string] $What, [scriptblock] $Command)
    Invoke-Native $What $Command | Out-Host
    @{ Passed = 1; Failed = 0; Skipped = 0 }
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
                @{ Passed = 1; Failed = 0; Skipped = 0 }
            }
        }

        Invoke-Step 'cargo test' {
            Write-Host '==> cargo test' -ForegroundColor Cyan
            $env:RUST_BACKTRACE = '1'
            cargo test @CargoProfileArg --workspace --locked 2>&1 | ForEach-Object { "$_" } | Tee-Object -Variable cargoLines | Out-Host
            $cargoExit = $LASTEXITCODE
            $passed = 0; $failed = 0; $ignored = 0
            foreach ($line in $cargoLines) {
                if ($line -match 'test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored') {
                    $passed += [int]$Matches[1]; $failed += [int]$Matches[2]; $ignored += [int]$Matches[3]
                }
            }
            if ($cargoExit -ne 0 -and $failed -eq 0) { $failed = 1 }
            # An #[ignore]d test (or an ignored doc test) is a skip; under CI a failure (platform
            # differences are #[cfg]: such a test is not compiled, not ignored).
            if ($strict -and $ignored) {
                Write-Host "FAILED (CI): cargo test ignored $ignored test(s): under CI every test runs." -ForegroundColor Red
                $failed += $ignored; $ignored = 0
            }
            @{ Passed = $passed; Failed = $failed; Skipped = $ignored }
        }

        Invoke-Step 'C ABI' { Invoke-CAbiTest -Strict:$strict }
        Invoke-Step 'valgrind' { Invoke-MemoryTest -Strict:$strict }

        Invoke-Step 'PSScriptAnalyzer' {
            if (-not (Get-Module -ListAvailable PSScriptAnalyzer)) {
                if ($strict) { throw 'PSScriptAnalyzer is not installed.' }
                Write-Warning 'PSScriptAnalyzer is not installed: skipping the lint step (Install-PSResource PSScriptAnalyzer).'
                return @{ Passed = 0; Failed = 0; Skipped = 1 }
            }
            # The project's settings (powershell/PSScriptAnalyzerSettings.psd1): every default rule
            # (PSGallery's among them) plus the style rules (OTBS, 4 spaces, 150 columns). The built
            # module's implementation/ is powershell/'s code, linted there, with each
            # command's blocks cut apart (a variable set in begin and read in process would read
            # as unused), so of the built module the manifest and GitHubOidc.psm1 are linted. Its
            # signatures have their blocks elsewhere and carry no SuppressMessage attribute, so the
            # rules about what a body does (checked on the source) are not asked of them.
            Write-Host '==> PSScriptAnalyzer (project settings): powershell/ and the built (packaged) module' -ForegroundColor Cyan
            $settings = Join-Path $Root 'powershell/PSScriptAnalyzerSettings.psd1'
            $built = Get-ChildItem $Output -Recurse -Include '*.ps1', '*.psm1', '*.psd1' | Where-Object { $_.Directory.Name -ne 'implementation' }
            $bodyRules = 'PSReviewUnusedParameter', 'PSShouldProcess', 'PSUseShouldProcessForStateChangingFunctions'
            $findings = @(foreach ($path in @(Join-Path $Root 'powershell') + @($built.FullName)) { Invoke-ScriptAnalyzer -Path $path -Recurse -Settings $settings }) |
                Where-Object { -not ($_.ScriptName -eq 'GitHubOidc.psm1' -and $_.ScriptPath -like "$Output*" -and $_.RuleName -in $bodyRules) }
            $findings = @($findings)
            $findings | Format-Table -AutoSize | Out-Host
            @{ Passed = [int]($findings.Count -eq 0); Failed = [int]($findings.Count -ne 0); Skipped = 0 }
        }

        Invoke-Step 'package' { Invoke-PackageStep -Strict:$strict }
        Invoke-Step 'Pester' { Invoke-PesterTests -Strict:$strict }
    } finally {
        Pop-Location
    }
    Write-Host ''
    $totalPassed = 0; $totalFailed = 0; $totalSkipped = 0
    foreach ($name in $script:Results.Keys) {
        $r = $script:Results[$name]
        Write-Host ('{0,-18} {1,5} passed, {2,3} failed, {3,3} skipped' -f $name, $r.Passed, $r.Failed, $r.Skipped)
        $totalPassed += $r.Passed; $totalFailed += $r.Failed; $totalSkipped += $r.Skipped
    }
    Write-Host "$totalPassed passed, $totalFailed failed, $totalSkipped skipped"
    if ($totalFailed -gt 0) { exit 1 }
}

function Get-CCompiler {
    # The first C compiler on PATH (cc, gcc, clang), for the C ABI test and the memory check; none: nothing.
    @('cc', 'gcc', 'clang') | Where-Object { Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue } | Select-Object -First 1
}

function Invoke-CAbiTest {
    # Compiles tests/c/abi_test.c against the committed header and runs it against the fake server.
    param([switch] $Strict)
    $cc = Get-CCompiler
    if ($Strict -and -not $cc -and -not $IsWindows) { throw 'No C compiler (cc, gcc or clang) on PATH for the C ABI test.' }
    if (-not $cc -or $IsWindows) {
        Write-Warning 'No C compiler on PATH (or Windows): skipping the C ABI test.'
        return @{ Passed = 0; Failed = 0; Skipped = 1 }
    }
    Write-Host '==> C ABI test' -ForegroundColor Cyan
    $exe = Join-Path $Root 'target/abi_test'
    & $cc -std=c11 -Wall -Werror -I (Join-Path $Root 'bindings') (Join-Path $Root 'tests/c/abi_test.c') `
        -L $Target -lgithub_oidc "-Wl,-rpath,$Target" -o $exe | Out-Host
    if ($LASTEXITCODE -ne 0) { return @{ Passed = 0; Failed = 1; Skipped = 0 } }
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
    @{ Passed = [int]$ok; Failed = [int](-not $ok); Skipped = 0 }
}

function Start-FakeGitHub {
    # Starts the fake GitHub server on a free port; returns the process and its base URL.
    param([string] $OutFile)
    $server = Start-Process -FilePath (Join-Path $Target 'fake_github') -ArgumentList '--port', '0' `
        -RedirectStandardOutput $OutFile -PassThru -NoNewWindow
    $deadline = (Get-Date).AddSeconds(20)
    while ((Get-Date) -lt $deadline) {
        Start-Sleep -Milliseconds 100
        $line = Get-Content $OutFile -TotalCount 1 -ErrorAction SilentlyContinue
        if ($line -match 'listening on (\S+)') { return @{ Process = $server; Url = $Matches[1] } }
    }
    Stop-Process -Id $server.Id -ErrorAction SilentlyContinue
    throw 'build.ps1: the fake GitHub server did not start.'
}

function Invoke-MemoryTest {
    # The C ABI test (against the fake server) and `abi_test --loop 100000` (offline exports,
    # valid and invalid requests) under valgrind: zero errors and no definite leak, or it fails.
    # tests/c/valgrind.supp holds the only suppressions (each one commented).
    param([int] $Calls = 100000, [switch] $Strict)
    # valgrind runs on Linux only (its macOS port is unmaintained): elsewhere the check is a skip,
    # also under CI.
    if (-not $IsLinux) {
        Write-Warning 'Not Linux: skipping the memory check (valgrind).'
        return @{ Passed = 0; Failed = 0; Skipped = 1 }
    }
    $cc = Get-CCompiler
    $valgrind = Get-Command valgrind -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $cc -or -not $valgrind) {
        # Under CI (.ci/run, and the workflow with -InstallTools, install valgrind) a missing tool is a failure.
        if ($Strict) { throw 'The memory check needs valgrind and a C compiler on PATH (apt-get install valgrind).' }
        Write-Warning 'valgrind or a C compiler is not on PATH: skipping the memory check (apt-get install valgrind).'
        return @{ Passed = 0; Failed = 0; Skipped = 1 }
    }
    $step = [System.Diagnostics.Stopwatch]::StartNew()
    Write-Host "==> valgrind: C ABI test and $Calls offline calls" -ForegroundColor Cyan
    $exe = Join-Path $Root 'target/abi_test_memcheck'
    & $cc -std=c11 -g -Wall -Werror -I (Join-Path $Root 'bindings') (Join-Path $Root 'tests/c/abi_test.c') `
        -L $Target -lgithub_oidc "-Wl,-rpath,$Target" -o $exe | Out-Host
    if ($LASTEXITCODE -ne 0) { return @{ Passed = 0; Failed = 1; Skipped = 0 } }
    [string[]] $memcheck = @(
        '--quiet', '--leak-check=full', '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite',
        '--error-exitcode=1', "--suppressions=$(Join-Path $Root 'tests/c/valgrind.supp')"
    )
    $passed = 0; $failed = 0
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $fake = Start-FakeGitHub -OutFile (Join-Path $Root 'target/memcheck_fake.out')
    try {
        & $valgrind.Source @memcheck $exe $fake.Url | Out-Host
        if ($LASTEXITCODE -eq 0) { $passed++ } else { $failed++; Write-Host 'FAIL valgrind: C ABI test' -ForegroundColor Red }
    } finally {
        Stop-Process -Id $fake.Process.Id -ErrorAction SilentlyContinue
    }
    Write-Host ('valgrind: C ABI test against the fake server in {0:N0} s' -f $watch.Elapsed.TotalSeconds)
    $watch.Restart()
    & $valgrind.Source @memcheck $exe --loop $Calls | Out-Host
    if ($LASTEXITCODE -eq 0) { $passed++ } else { $failed++; Write-Host "FAIL valgrind: $Calls offline calls" -ForegroundColor Red }
    Write-Host ('valgrind: {0} calls in {1:N0} s' -f $Calls, $watch.Elapsed.TotalSeconds)
    Write-Host ('valgrind: the memory check took {0:N0} s' -f $step.Elapsed.TotalSeconds)
    @{ Passed = $passed; Failed = $failed; Skipped = 0 }
}

function Install-TestTool {
    # -InstallTools: the C compiler and valgrind the C ABI test and the memory check need, and the
    # YAML parser of the workflow tests (Debian's python3-yaml, for /usr/bin/python3), from
    # apt-get when missing (Linux only: elsewhere the memory check is skipped, and the workflows
    # are parsed on the Linux leg).
    if (-not $IsLinux) {
        Write-Host 'Not Linux: nothing to install (the memory check runs on Linux only).' -ForegroundColor Green
        return
    }
    $packages = @()
    if (-not (Get-CCompiler)) { $packages += 'gcc' }
    if (-not (Get-Command valgrind -CommandType Application -ErrorAction SilentlyContinue)) { $packages += 'valgrind' }
    if (-not (Get-YamlPython)) { $packages += 'python3-yaml' }
    if (-not $packages) {
        Write-Host 'A C compiler, valgrind and a python with PyYAML are installed.' -ForegroundColor Green
        return
    }
    if (-not (Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue)) {
        throw "build.ps1 -InstallTools: no apt-get here; install $($packages -join ' and ') with this system's package manager."
    }
    $root = (& id -u) -eq '0'
    $aptGet = { if ($root) { & apt-get @args } else { & sudo -n apt-get @args } }
    Invoke-Native 'apt-get update' { & $aptGet update -qq }
    Invoke-Native "apt-get install $($packages -join ' ')" { & $aptGet install -y -qq @packages }
}

function Invoke-Fuzz {
    # Builds the fuzz targets of fuzz/ with nightly (libFuzzer + sanitizer coverage +
    # AddressSanitizer, the flags cargo-fuzz uses) and runs each for an equal share of $Minutes.
    param([int] $Minutes)
    if (-not $IsLinux -or [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -ne 'X64') {
        throw 'build.ps1 -Fuzz runs on Linux x64 only (libFuzzer with AddressSanitizer).'
    }
    $null = cargo +nightly --version 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw 'build.ps1 -Fuzz needs the nightly Rust toolchain: rustup toolchain install nightly.'
    }
    $fuzzDir = Join-Path $Root 'fuzz'
    $triple = 'x86_64-unknown-linux-gnu'
    $targets = @(Get-ChildItem (Join-Path $fuzzDir 'fuzz_targets') -Filter *.rs | ForEach-Object BaseName | Sort-Object)
    $flags = @(
        '-Cpasses=sancov-module', '-Cllvm-args=-sanitizer-coverage-level=4',
        '-Cllvm-args=-sanitizer-coverage-inline-8bit-counters', '-Cllvm-args=-sanitizer-coverage-pc-table',
        '-Cllvm-args=-sanitizer-coverage-trace-compares', '--cfg', 'fuzzing', '-Zsanitizer=address',
        '-Cdebug-assertions', '-Coverflow-checks'
    ) -join ' '
    Push-Location $fuzzDir
    $previousFlags = $env:RUSTFLAGS
    try {
        # --target keeps the sanitizer flags off build scripts and proc macros.
        $env:RUSTFLAGS = $flags
        Invoke-Native "cargo +nightly build (fuzz targets: $($targets -join ', '))" {
            cargo +nightly build --release --target $triple --bins
        }
    } finally {
        $env:RUSTFLAGS = $previousFlags
        Pop-Location
    }
    $seconds = [math]::Max(10, [int]($Minutes * 60 / $targets.Count))
    $rows = foreach ($t in $targets) {
        $work = Join-Path $Root "target/fuzz-corpus/$t"
        $artifacts = Join-Path $fuzzDir "artifacts/$t"
        New-Item -ItemType Directory -Force -Path $work, $artifacts | Out-Null
        Write-Host "==> fuzz $t for $seconds s" -ForegroundColor Cyan
        $exe = Join-Path $fuzzDir "target/$triple/release/$t"
        # The first folder receives new inputs; fuzz/corpus/<t> (the committed seeds) is only read.
        & $exe "-max_total_time=$seconds" '-max_len=8192' '-timeout=20' '-rss_limit_mb=2048' '-print_final_stats=1' `
            "-artifact_prefix=$artifacts/" $work (Join-Path $fuzzDir "corpus/$t") 2>&1 |
            ForEach-Object { "$_" } | Tee-Object -Variable lines |
            Where-Object { $_ -cmatch '^(INFO|==|stat::number_of_executed_units|stat::peak_rss|Done|SUMMARY|thread|panicked)|ERROR' } |
            Out-Host
        $runs = ($lines | Select-String '^stat::number_of_executed_units:\s*(\d+)' | Select-Object -Last 1)
        [pscustomobject]@{
            Target = $t
            Seconds = $seconds
            Runs = if ($runs) { [long]$runs.Matches[0].Groups[1].Value } else { 0 }
            Finding = $LASTEXITCODE -ne 0
        }
    }
    $rows | Format-Table -AutoSize | Out-Host
    $found = @($rows | Where-Object Finding)
    if ($found) { throw "build.ps1 -Fuzz: finding(s) in $($found.Target -join ', '): see fuzz/artifacts/." }
    Write-Host "Fuzzed $($targets.Count) targets for $Minutes minute(s) in all: no finding." -ForegroundColor Green
}

function Invoke-PesterTests {
    # The Pester tests in a fresh pwsh. A skipped test (or one not run) counts as skipped; with
    # -Strict (under CI) as a failure, unless its reason starts with "platform:" (Set-ItResult
    # -Skipped -Because 'platform: ...': a reason that cannot hold on Linux CI). See tests/README.md.
    param([string] $Path = (Join-Path $Root 'tests'), [switch] $Strict)
    if (-not (Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]$PesterVersion -and $_.Version.Major -eq 5 })) {
        throw "build.ps1: Pester $PesterVersion or a newer 5.x is needed for the tests: Install-PSResource Pester -Version '[$PesterVersion,6.0)'."
    }
    Write-Host '==> Pester (fresh pwsh -NoProfile)' -ForegroundColor Cyan
    $resultFile = Join-Path $Root 'target/pester-result.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    $env:GITHUBOIDC_MODULE_PATH = $Output
    $env:GITHUBOIDC_FAKE_SERVER = Join-Path $Target 'fake_github'
    # The tests run with PowerShell's default preferences (ErrorActionPreference Continue), as a user's session.
    $script = @"
Import-Module Pester -MinimumVersion $PesterVersion -MaximumVersion 5.99.99
`$c = New-PesterConfiguration
`$c.Run.Path = '$Path'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$r = Invoke-Pester -Configuration `$c
# Each skipped test with its reason: Set-ItResult -Skipped -Because's text ('is skipped, because ...'), or -Skip.
`$skipped = @(foreach (`$t in @(`$r.Skipped) + @(`$r.NotRun)) {
    `$reason = if (`$t.Result -eq 'NotRun') { 'not run' } elseif (`$t.ErrorRecord) { "`$(`$t.ErrorRecord[0].Exception.Message)" } else { '-Skip' }
    @{ Name = `$t.ExpandedPath; Reason = `$reason }
})
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$skipped } |
    ConvertTo-Json -Depth 3 | Set-Content '$resultFile'
"@
    Invoke-Pwsh -NoProfile -NonInteractive -Command $script | Out-Host
    if (-not (Test-Path $resultFile)) { return @{ Passed = 0; Failed = 1; Skipped = 0 } }
    $r = Get-Content $resultFile -Raw | ConvertFrom-Json
    $skipped = @($r.Skipped | Where-Object { $_ })
    $platform = @($skipped | Where-Object { $_.Reason -match '\bbecause platform:' })
    $other = @($skipped | Where-Object { $_.Reason -notmatch '\bbecause platform:' })
    foreach ($test in $platform) { Write-Host "skipped: $($test.Name) ($($test.Reason))" -ForegroundColor Yellow }
    foreach ($test in $other) {
        if ($Strict) {
            Write-Host "FAILED (CI): skipped: $($test.Name) ($($test.Reason)): under CI a test skips only for a platform reason." -ForegroundColor Red
        } else {
            Write-Host "skipped: $($test.Name) ($($test.Reason))" -ForegroundColor Yellow
        }
    }
    if ($Strict) {
        return @{ Passed = [int]$r.Passed; Failed = [int]$r.Failed + $other.Count; Skipped = $platform.Count }
    }
    @{ Passed = [int]$r.Passed; Failed = [int]$r.Failed; Skipped = $skipped.Count }
}

# --- Child pwsh, version, package, release -------------------------------------------------

# The platforms a release carries: .NET runtime identifier -> cargo target triple.
$ReleaseRuntimes = [ordered]@{
    'linux-x64'   = 'x86_64-unknown-linux-gnu'
    'linux-arm64' = 'aarch64-unknown-linux-gnu'
    'osx-x64'     = 'x86_64-apple-darwin'
    'osx-arm64'   = 'aarch64-apple-darwin'
    'win-x64'     = 'x86_64-pc-windows-msvc'
    'win-arm64'   = 'aarch64-pc-windows-msvc'
}
$PackageFile = $null   # the .nupkg New-ModulePackage wrote in this run

function Invoke-IsolatedPwsh {
    # Runs a script in a child pwsh whose home, data, config and cache folders are under $HomePath,
    # so PSResourceGet's repository list and the user's modules are not touched. (On Windows those
    # folders do not follow the environment: scripts also undo what they register.)
    param([string] $What, [string] $Script, [string] $HomePath)
    $isolated = @{ HOME = $HomePath; PSModulePath = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
    # .NET reports a special folder that does not exist as '' (and NuGet then writes to the current folder).
    foreach ($folder in '.config', '.cache', '.local/share') { New-Item -ItemType Directory -Force -Path (Join-Path $HomePath $folder) | Out-Null }
    $saved = @{}
    foreach ($name in $isolated.Keys) { $saved[$name] = [System.Environment]::GetEnvironmentVariable($name) }
    try {
        if (-not $IsWindows) {
            foreach ($name in $isolated.Keys) { [System.Environment]::SetEnvironmentVariable($name, $isolated[$name]) }
        }
        Invoke-Native $What { Invoke-Pwsh -NoProfile -NonInteractive -Command $Script }
    } finally {
        foreach ($name in $saved.Keys) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function ConvertTo-PSLiteral {
    # A single-quoted PowerShell string literal (PowerShell also reads typographic quotes as quotes).
    param([string] $Text)
    "'" + ($Text -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'"
}

function Get-WorkspaceVersion {
    # The project's one version: [workspace.package] version in Cargo.toml. The crates, the
    # assembly and the module manifest all take it from there.
    $section = ''
    foreach ($line in Get-Content (Join-Path $Root 'Cargo.toml')) {
        if ($line -match '^\s*\[([^\]]+)\]') { $section = $Matches[1].Trim(); continue }
        if ($section -eq 'workspace.package' -and $line -match '^\s*version\s*=\s*"([^"]+)"') { return $Matches[1] }
    }
    throw 'build.ps1: Cargo.toml has no [workspace.package] version.'
}

function Get-ReleaseNote {
    # The text of this version's section of CHANGELOG.md (## [x.y.z] ...), without its heading.
    param([string] $Version)
    $lines = @(Get-Content (Join-Path $Root 'CHANGELOG.md'))
    $heading = '^##\s+\[?' + [regex]::Escape($Version) + '\]?(\s|$)'
    $start = @(for ($i = 0; $i -lt $lines.Count; $i++) { if ($lines[$i] -match $heading) { $i } }) | Select-Object -First 1
    if ($null -eq $start) { throw "build.ps1: CHANGELOG.md has no section '## [$Version]'. Describe this version there before building it." }
    $body = [System.Collections.Generic.List[string]]::new()
    for ($i = $start + 1; $i -lt $lines.Count -and $lines[$i] -notmatch '^##\s'; $i++) {
        # Link reference definitions ([0.1.0]: https://...) belong to the whole file.
        if ($lines[$i] -notmatch '^\[[^\]]+\]:\s') { $body.Add($lines[$i]) }
    }
    $text = ($body -join "`n").Trim()
    if (-not $text) { throw "build.ps1: the CHANGELOG.md section of $Version is empty." }
    $text
}

function Set-ManifestValue {
    # Replaces the one single-quoted  Name = '...'  entry of a manifest's text.
    param([string] $Text, [string] $Name, [string] $Value)
    $quote = "['\u2018\u2019\u201A\u201B]"
    $pattern = "(?m)^(\s*$Name\s*=\s*)$quote(?:(?!$quote).|$quote$quote)*$quote"
    $found = [regex]::Matches($Text, $pattern, 'Singleline').Count
    if ($found -ne 1) { throw "build.ps1: expected one single-quoted $Name entry in the manifest, found $found." }
    $literal = ConvertTo-PSLiteral $Value
    [regex]::Replace($Text, $pattern, { param($m) $m.Groups[1].Value + $literal }, 'Singleline')
}

function Set-ModuleRelease {
    # Writes the version (Cargo.toml) and its release notes (CHANGELOG.md) into the built manifest.
    $version = Get-WorkspaceVersion
    $semver = [System.Management.Automation.SemanticVersion]::new($version)
    if ($semver.BuildLabel -or ($semver.PreReleaseLabel -and $semver.PreReleaseLabel -notmatch '^[A-Za-z0-9]+$')) {
        throw "build.ps1: version '$version': the PowerShell Gallery takes x.y.z or x.y.z-label with letters and digits only (0.2.0-beta1)."
    }
    $moduleVersion = '{0}.{1}.{2}' -f $semver.Major, $semver.Minor, $semver.Patch
    $path = Join-Path $Output 'GitHubOidc.psd1'
    $text = Get-Content -LiteralPath $path -Raw
    $text = Set-ManifestValue $text 'ModuleVersion' $moduleVersion
    $text = Set-ManifestValue $text 'ReleaseNotes' (Get-ReleaseNote $version)
    if ($semver.PreReleaseLabel) {
        $prerelease = ConvertTo-PSLiteral $semver.PreReleaseLabel
        $text = [regex]::Replace($text, '(?m)^(\s*)ReleaseNotes(\s*)=', { param($m) "$($m.Groups[1].Value)Prerelease$($m.Groups[2].Value)= $prerelease`n$($m.Value)" })
    }
    Set-Content -LiteralPath $path -Value $text -Encoding utf8NoBOM -NoNewline
    # The format views' nested manifest carries the same version.
    $formatPath = Join-Path $Output 'format/GitHubOidc.Format.psd1'
    $formatText = Set-ManifestValue (Get-Content -LiteralPath $formatPath -Raw) 'ModuleVersion' $moduleVersion
    Set-Content -LiteralPath $formatPath -Value $formatText -Encoding utf8NoBOM -NoNewline
    $manifest = Import-PowerShellDataFile -LiteralPath $path
    if ($manifest.ModuleVersion -ne $moduleVersion -or "$($manifest.PrivateData.PSData['Prerelease'])" -ne "$($semver.PreReleaseLabel)") {
        throw "build.ps1: writing version $version into $path failed."
    }
    Write-Host "Module version $version (Cargo.toml), release notes from CHANGELOG.md" -ForegroundColor Green
}

function ConvertTo-RuntimeId {
    # cargo target triple -> .NET runtime identifier (x86_64-apple-darwin -> osx-x64).
    param([string] $Triple)
    $rid = foreach ($entry in $ReleaseRuntimes.GetEnumerator()) { if ($entry.Value -eq $Triple) { $entry.Key } }
    if (-not $rid) { throw "build.ps1: unknown -RustTarget '$Triple'. Released targets: $($ReleaseRuntimes.Values -join ', ')." }
    $rid
}

function Get-RuntimeLibraryName {
    # The native library's file name on the platform of a runtime identifier.
    param([string] $RuntimeId)
    if ($RuntimeId -like 'win-*') { 'github_oidc.dll' } elseif ($RuntimeId -like 'osx-*') { 'libgithub_oidc.dylib' } else { 'libgithub_oidc.so' }
}

function Build-NativeLibrary {
    # -NativeOnly: the native library alone, for -RustTarget or this machine, in output/native/<rid>/.
    param([string] $Triple)
    if (-not (Get-Command cargo -ErrorAction SilentlyContinue)) { throw "build.ps1: 'cargo' was not found on PATH. Install Rust (https://rustup.rs)." }
    $rid = if ($Triple) { ConvertTo-RuntimeId $Triple } else { Get-RuntimeId }
    $library = Get-RuntimeLibraryName $rid
    [string[]] $targetArg = @()
    $built = Join-Path $Target $library
    if ($Triple) {
        if ((Get-Command rustup -ErrorAction SilentlyContinue) -and (@(rustup target list --installed) -notcontains $Triple)) {
            Invoke-Native "rustup target add $Triple" { rustup target add $Triple }
        }
        $targetArg = '--target', $Triple
        $built = Join-Path $Root "target/$Triple/$CargoProfileDir/$library"
    }
    Push-Location $Root
    try {
        Invoke-Native "cargo build (native library for $rid)" { cargo build @CargoProfileArg --locked -p github_oidc_ffi @targetArg }
    } finally {
        Pop-Location
    }
    $destination = Join-Path $Root "output/native/$rid"
    if (Test-Path $destination) { Remove-Item $destination -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $destination | Out-Null
    Copy-Item -LiteralPath $built -Destination $destination
    Write-Host "Built native library: $(Join-Path $destination $library)" -ForegroundColor Green
}

function Add-ReleaseRuntime {
    # -AssembleFrom: the module carries the native library of every released platform.
    param([string] $From)
    $missing = @($ReleaseRuntimes.Keys | Where-Object { -not (Test-Path -LiteralPath (Join-Path $From "$_/$(Get-RuntimeLibraryName $_)")) })
    if ($missing) {
        throw "build.ps1: -AssembleFrom '$From' lacks the native library of: $($missing -join ', '). Expected <rid>/<library> for $($ReleaseRuntimes.Keys -join ', ') (the output/native/ folders of ./build.ps1 -NativeOnly)."
    }
    foreach ($rid in $ReleaseRuntimes.Keys) {
        $native = Join-Path $Output "runtimes/$rid/native"
        New-Item -ItemType Directory -Force -Path $native | Out-Null
        Copy-Item -LiteralPath (Join-Path $From "$rid/$(Get-RuntimeLibraryName $rid)") -Destination $native -Force
    }
    Write-Host "The module carries: $($ReleaseRuntimes.Keys -join ', ')" -ForegroundColor Green
}

function Test-PSResourceGet {
    [bool](Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)
}

function Assert-ReleaseTag {
    # Under GitHub Actions on a tag (the release workflow), the tag must be v<Cargo.toml's version>.
    $version = Get-WorkspaceVersion
    if ($env:GITHUB_REF_TYPE -eq 'tag' -and $env:GITHUB_REF_NAME -ne "v$version") {
        throw "build.ps1: the tag '$env:GITHUB_REF_NAME' does not name version $version (Cargo.toml): tag v$version."
    }
}

function New-ModulePackage {
    # -Package: output/GitHubOidc.<version>.nupkg, published with Publish-PSResource to a temporary
    # file repository as the PowerShell Gallery would receive it. Returns its path.
    if (-not (Test-PSResourceGet)) { throw 'build.ps1: -Package needs PSResourceGet (part of PowerShell 7.4+, or Install-Module Microsoft.PowerShell.PSResourceGet).' }
    if (-not (Test-Path (Join-Path $Output 'GitHubOidc.psd1'))) { throw "build.ps1: no built module in $Output. Run ./build.ps1 first." }
    Assert-ReleaseTag
    $work = Join-Path ([System.IO.Path]::GetTempPath()) "GitHubOidc-package-$([guid]::NewGuid().ToString('n'))"
    $repository = Join-Path $work 'repository'
    New-Item -ItemType Directory -Force -Path $repository | Out-Null
    try {
        $script = @"
`$ErrorActionPreference = 'Stop'
`$name = 'GitHubOidcBuild' + [guid]::NewGuid().ToString('n')
Register-PSResourceRepository -Name `$name -Uri $(ConvertTo-PSLiteral $repository) -Trusted
try { Publish-PSResource -Path $(ConvertTo-PSLiteral $Output) -Repository `$name } finally { Unregister-PSResourceRepository -Name `$name }
"@
        Invoke-IsolatedPwsh -What 'Publish-PSResource to a temporary file repository' -Script $script -HomePath (Join-Path $work 'home')
        $nupkg = @(Get-ChildItem -LiteralPath $repository -Filter 'GitHubOidc.*.nupkg')
        if ($nupkg.Count -ne 1) { throw "build.ps1: Publish-PSResource wrote $($nupkg.Count) packages; expected one." }
        Get-ChildItem (Split-Path $Output) -Filter 'GitHubOidc.*.nupkg' | Remove-Item -Force
        $destination = Join-Path (Split-Path $Output) $nupkg[0].Name
        Copy-Item -LiteralPath $nupkg[0].FullName -Destination $destination
        Write-Host "Package: $destination" -ForegroundColor Green
        $script:PackageFile = $destination
        $destination
    } finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Resolve-PackagePath {
    # The .nupkg at -PackagePath (a file, or a folder holding exactly one), default output/.
    $path = if ($PackagePath) { $PackagePath } else { Split-Path $Output }
    if (Test-Path -LiteralPath $path -PathType Leaf) { return (Resolve-Path -LiteralPath $path).ProviderPath }
    $found = @(Get-ChildItem -LiteralPath $path -Filter 'GitHubOidc.*.nupkg' -ErrorAction SilentlyContinue)
    if ($found.Count -ne 1) { throw "build.ps1: expected one GitHubOidc.*.nupkg in '$path', found $($found.Count). Run ./build.ps1 -Package, or pass -PackagePath." }
    $found[0].FullName
}

function Invoke-PackageStep {
    # -Test: the package the install test installs (-PackagePath, or one made from the built module).
    param([switch] $Strict)
    if (-not (Test-PSResourceGet)) {
        if ($Strict) { throw 'PSResourceGet is not installed.' }
        Write-Warning 'PSResourceGet is not installed: skipping the package and its install test.'
        return @{ Passed = 0; Failed = 0; Skipped = 1 }
    }
    Write-Host '==> package' -ForegroundColor Cyan
    $env:GITHUBOIDC_PACKAGE = if ($PackagePath) { Resolve-PackagePath } elseif ($script:PackageFile) { $script:PackageFile } else { New-ModulePackage }
    @{ Passed = 1; Failed = 0; Skipped = 0 }
}

function Invoke-InstallTest {
    # -InstallTest: only the install test, against -PackagePath; builds only the fake server.
    $result = try {
        $env:GITHUBOIDC_PACKAGE = Resolve-PackagePath
        Push-Location $Root
        try {
            Invoke-Native 'cargo build (fake GitHub server)' { cargo build @CargoProfileArg --locked -p fake_github }
        } finally {
            Pop-Location
        }
        $env:GITHUBOIDC_FAKE_SERVER = Join-Path $Target $(if ($IsWindows) { 'fake_github.exe' } else { 'fake_github' })
        Invoke-PesterTests -Path (Join-Path $Root 'tests/Package.Tests.ps1') -Strict:([bool]$env:CI)
    } catch {
        Write-Host "FAILED: $($_.Exception.Message)" -ForegroundColor Red
        @{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    Write-Host "$($result.Passed) passed, $($result.Failed) failed, $($result.Skipped) skipped"
    if ($result.Failed -gt 0) { exit 1 }
}

function Publish-ModulePackage {
    # -Publish: the package at -PackagePath, as built and tested, to the PowerShell Gallery.
    if (-not $ApiKey) { throw 'build.ps1: -Publish needs -ApiKey (the PowerShell Gallery API key).' }
    $nupkg = Resolve-PackagePath
    $version = Get-WorkspaceVersion
    if ((Split-Path $nupkg -Leaf) -ne "GitHubOidc.$version.nupkg") {
        throw "build.ps1: '$nupkg' is not GitHubOidc $version (Cargo.toml's version)."
    }
    Assert-ReleaseTag
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    if (-not (Get-Command Publish-PSResource).Parameters.ContainsKey('NupkgPath')) {
        throw 'build.ps1: -Publish needs PSResourceGet 1.1 or newer (Publish-PSResource -NupkgPath): Install-PSResource Microsoft.PowerShell.PSResourceGet.'
    }
    Write-Host "==> Publish-PSResource GitHubOidc $version to PSGallery" -ForegroundColor Cyan
    Publish-PSResource -NupkgPath $nupkg -Repository PSGallery -ApiKey $ApiKey -ErrorAction Stop
    Write-Host "Published GitHubOidc $version" -ForegroundColor Green
}

if ($Fuzz) { Invoke-Fuzz -Minutes $Minutes; return }
if ($InstallTools) { Install-TestTool; return }
if ($NativeOnly) { Build-NativeLibrary -Triple $RustTarget; return }
if ($InstallTest) { Invoke-InstallTest; return }
if ($Publish) { Publish-ModulePackage; return }
if (-not $SkipBuild) {
    Build-Module
    Set-ModuleRelease
}
if ($AssembleFrom) { Add-ReleaseRuntime -From $AssembleFrom }
if ($Package) { $null = New-ModulePackage }
if ($Test) { Invoke-Tests }
