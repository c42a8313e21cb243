# GitHubOidc: the script layer's loader. Rules for this layer: see README.md in this folder (no
# HTTP, JSON or URL building here).
#
# Import parses only what a user sees before the first call (issue 10: Import-Module as the first
# command of a fresh pwsh <= 150 ms). build.ps1 appends to this file each public command's
# signature, as written in Public/: its attributes and param block, so Get-Command -Syntax and Tab
# see the real command; its help goes to en-US/GitHubOidc.psm1-help.xml (MAML, named by
# .ExternalHelp), which Get-Help reads when asked. The bodies live in implementation/, one file
# per unit (a command's begin/process/end blocks, a file of Private/, completers.ps1), each naming
# on its third line the units it uses. The first call of a command (or of the -IncludeClaimKeys completer)
# runs Import-GitHubOidcImplementation for its unit, which reads that unit and what it uses, once
# (issue 20: a fresh pwsh's first command parses and compiles only its own code); each
# signature's blocks then dot-source the command's own begin/process/end blocks, which run in the
# command's scope (its parameters, $PSCmdlet, $PSBoundParameters).
#
# Import itself runs no .NET code and names no type of the managed facade: in a fresh pwsh, a
# method call or a type name PowerShell cannot resolve yet each cost more than the rest of this
# file (see the bench). The facade (bin/GitHubOidc.Native.dll) is the manifest's nested module: it
# holds the compiled cmdlet Get-GitHubOidcSubjectClaim (issue 20: a cmdlet's first call costs a
# fresh process far less than a script function's), so PowerShell loads it at import, but no
# code of it runs then. The first call of a script command finds it loaded (Assembly.LoadFrom of
# the same file), checks that this platform's native library is there (a copy without it fails
# then, naming the platforms it carries), loads that library and checks its API with
# ghoidc_api_guard. The format views (GitHubOidc.format.ps1xml, through the nested module
# GitHubOidc.Format.psd1) are registered by the first command (GitHubOidc.Native.ModuleSession):
# format data at import makes PowerShell load its whole built-in format database.

# The commands' blocks by command name (set by their implementation files), and the units read.
$script:GitHubOidcBody = $null
$script:GitHubOidcUnits = $null

function Import-GitHubOidcImplementation {
    <#
        .SYNOPSIS
        Reads the named units of implementation/ (all of them when none is named) and what they
        use, each once; the first call also loads the managed facade and the native library.
    #>
    # Called by a command's first call, by the completer and by tests/common.ps1 (a simple
    # function: cheaper to define).
    param([string[]] $Name)
    if ($null -eq $script:GitHubOidcUnits) {
        $assemblyPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'GitHubOidc.Native.dll')
        if (-not [System.IO.File]::Exists($assemblyPath)) {
            throw ("GitHubOidc: the managed assembly '$assemblyPath' was not found. " +
                'Build the module with ./build.ps1 (needs Rust and the .NET SDK) and import output/GitHubOidc.')
        }
        # A facade already loaded (Import-Module -Force, a second copy) is used as it is: the
        # process remembers it (an AppDomain data slot; one call, where a scan of the loaded
        # assemblies cost a fresh pwsh's first command milliseconds).
        $assembly = [System.AppDomain]::CurrentDomain.GetData('GitHubOidc.Native')
        if (-not $assembly) {
            $assembly = [System.Reflection.Assembly]::LoadFrom($assemblyPath)
            [System.AppDomain]::CurrentDomain.SetData('GitHubOidc.Native', $assembly)
        }
        # A copy without this platform's library fails here, naming the platforms it carries; a
        # library that does not load or answers another API, with its reason (one call).
        $problem = $assembly.GetType('GitHubOidc.Native.NativeLibraryResolver', $true)::LoadProblem()
        if ($problem) {
            throw $problem
        }
        # The context resolution remembered for the next command (GitHubOidc.Native.ContextInitializer).
        $script:GitHubOidcContextCache = [GitHubOidc.Native.ModuleSession]::ContextCacheOf($ExecutionContext.SessionState)
        $script:GitHubOidcBody = @{}
        $script:GitHubOidcUnits = @{}
    }
    if ($Name -ne 'completers') {
        # The module's format views, once, with the first command rather than at import
        # (GitHubOidc.Native.ModuleSession; the compiled Get-GitHubOidcSubjectClaim does the same).
        # Not for the completer alone: Tab shows no object of ours.
        [GitHubOidc.Native.ModuleSession]::RegisterFormats($ExecutionContext.SessionState.Module)
    }
    # The units named (all when none is) and those they use, not read yet, as one text
    # (GitHubOidc.Native.Implementation): a fresh pwsh's first command parses and compiles one
    # script instead of dot-sourcing a file per unit (issue 20).
    $text = [GitHubOidc.Native.Implementation]::Read([System.IO.Path]::Combine($PSScriptRoot, 'implementation'), $Name, $script:GitHubOidcUnits)
    if ($text) {
        # Its functions are declared 'function script:Name', so they land in the module's scope.
        . ([scriptblock]::Create($text))
    }
}

# -IncludeClaimKeys completion (completers.ps1), called from the [ArgumentCompleter] attribute of
# Set-GitHubOidcSubjectClaim and Resolve-GitHubOidcSubject (an attribute, not
# Register-ArgumentCompleter: as the session's first cmdlet call, that cost 26 ms of the import).
$script:GitHubOidcClaimKeyCompleter = {
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    $null = $CommandName, $ParameterName
    # A completer never throws: no suggestions when the library cannot load.
    try { Import-GitHubOidcImplementation 'completers' } catch { return }
    Get-GitHubOidcClaimKeyCompletion -WordToComplete $WordToComplete -CommandAst $CommandAst -FakeBoundParameters $FakeBoundParameters
}
