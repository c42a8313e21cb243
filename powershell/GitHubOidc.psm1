# GitHubOidc: the script layer's loader. Rules for this layer: see README.md in this folder (no
# HTTP, JSON or URL building here).
#
# Import parses only what a user sees before the first call (issue 10: Import-Module as the first
# command of a fresh pwsh <= 150 ms). build.ps1 appends to this file each public command's
# signature, as written in Public/: its attributes and param block, so Get-Command -Syntax and Tab
# see the real command; its help goes to en-US/GitHubOidc.psm1-help.xml (MAML, named by
# .ExternalHelp), which Get-Help reads when asked. The bodies live in
# GitHubOidc.Implementation.ps1 with Private/ and completers.ps1; the first call of a command (or
# of the -IncludeClaimKeys completer) runs Import-GitHubOidcImplementation once, and each
# signature's blocks then dot-source the command's own begin/process/end blocks, which run in the
# command's scope (its parameters, $PSCmdlet, $PSBoundParameters).
#
# Import itself runs no .NET code and names no type of the managed facade: in a fresh pwsh, a
# method call, an assembly load or a type name PowerShell cannot resolve yet each cost more than
# the rest of this file (see the bench). The first call loads the facade
# (bin/GitHubOidc.Native.dll, with Assembly.LoadFrom, not Add-Type, so its types are there for
# scripts), checks that this platform's native library is there (a copy without it fails then,
# naming the platforms it carries), loads that library and checks its API with ghoidc_api_guard
# (no JSON: System.Text.Json's first use costs more than the whole import). The format views
# (GitHubOidc.format.ps1xml) are registered on the first native call (Invoke-GitHubOidcNative):
# registering format data makes PowerShell load its whole built-in format database.

# The commands' blocks by command name; set by GitHubOidc.Implementation.ps1.
$script:GitHubOidcBody = $null

function Import-GitHubOidcImplementation {
    <#
        .SYNOPSIS
        Loads the managed facade and the native library, then reads GitHubOidc.Implementation.ps1.
    #>
    # Called once, by the first command or completion (a simple function: cheaper to define).
    $assemblyPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'GitHubOidc.Native.dll')
    if (-not [System.IO.File]::Exists($assemblyPath)) {
        throw ("GitHubOidc: the managed assembly '$assemblyPath' was not found. " +
            'Build the module with ./build.ps1 (needs Rust and the .NET SDK) and import output/GitHubOidc.')
    }
    # A facade already loaded (Import-Module -Force, a second copy) is used as it is.
    $assembly = $null
    foreach ($loaded in [System.AppDomain]::CurrentDomain.GetAssemblies()) {
        if ($loaded.GetName().Name -eq 'GitHubOidc.Native') { $assembly = $loaded; break }
    }
    if (-not $assembly) { $assembly = [System.Reflection.Assembly]::LoadFrom($assemblyPath) }
    $resolver = $assembly.GetType('GitHubOidc.Native.NativeLibraryResolver', $true)
    # A copy without this platform's library fails here, naming the platforms it carries.
    $missing = $resolver::FindMissingLibrary()
    if ($missing) {
        throw "GitHubOidc: cannot load the native library ($($resolver::RuntimeIdentifier)). $missing"
    }
    try {
        $null = $assembly.GetType('GitHubOidc.Native.Interop', $true)::ghoidc_api_guard()
    } catch {
        $reason = $_.Exception
        while ($reason.InnerException) {
            $reason = $reason.InnerException
        }
        throw "GitHubOidc: cannot load the native library ($($resolver::RuntimeIdentifier)). $($reason.Message)"
    }
    $script:GitHubOidcFormatPath = [System.IO.Path]::Combine($PSScriptRoot, 'GitHubOidc.format.ps1xml')
    $script:GitHubOidcFormatLoaded = $false
    # Its functions are declared 'function script:Name', so they land in the module's scope.
    . ([System.IO.Path]::Combine($PSScriptRoot, 'GitHubOidc.Implementation.ps1'))
}

# -IncludeClaimKeys completion (completers.ps1), called from the [ArgumentCompleter] attribute of
# Set-GitHubOidcSubjectClaim and Resolve-GitHubOidcSubject (an attribute, not
# Register-ArgumentCompleter: as the session's first cmdlet call, that cost 26 ms of the import).
$script:GitHubOidcClaimKeyCompleter = {
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    $null = $CommandName, $ParameterName
    # A completer never throws: no suggestions when the library cannot load.
    try { if (-not $script:GitHubOidcBody) { Import-GitHubOidcImplementation } } catch { return }
    Get-GitHubOidcClaimKeyCompletion -WordToComplete $WordToComplete -CommandAst $CommandAst -FakeBoundParameters $FakeBoundParameters
}
