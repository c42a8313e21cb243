# GitHubOidc: the script layer's loader. Rules for this layer: see README.md in this folder (no
# HTTP, JSON or URL building here).
#
# Import parses only what a user sees before the first call (issue 10: Import-Module as the first
# command of a fresh pwsh <= 150 ms). build.ps1 appends to this file each public command's
# signature, as written in Public/: its help, attributes and param block, so Get-Help,
# Get-Command -Syntax and Tab see the real command. The bodies live in
# GitHubOidc.Implementation.ps1 with Private/ and completers.ps1; the first call of a command (or
# of the -IncludeClaimKeys completer) reads it once through Import-GitHubOidcImplementation, and
# each signature's blocks then dot-source the command's own begin/process/end blocks, which run
# in the command's scope (its parameters, $PSCmdlet, $PSBoundParameters).
#
# Import loads the managed facade (bin/GitHubOidc.Native.dll, with Assembly.LoadFrom, not
# Add-Type, so its types are there for scripts and tests) and checks that this platform's native
# library is there, without loading it. The first call loads it and checks its API with
# ghoidc_api_guard (no JSON: System.Text.Json's first use costs more than the rest of the
# import), so a mismatched library fails then with a clear message. The format views
# (GitHubOidc.format.ps1xml) are registered on the first native call (Invoke-GitHubOidcNative):
# registering format data makes PowerShell load its whole built-in format database.

$script:GitHubOidcAssemblyPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'GitHubOidc.Native.dll')
if (-not [System.IO.File]::Exists($script:GitHubOidcAssemblyPath)) {
    throw ("GitHubOidc: the managed assembly '$script:GitHubOidcAssemblyPath' was not found. " +
        'Build the module with ./build.ps1 (needs Rust and the .NET SDK) and import output/GitHubOidc.')
}
if (-not ('GitHubOidc.Native.NativeClient' -as [type])) {
    $null = [System.Reflection.Assembly]::LoadFrom($script:GitHubOidcAssemblyPath)
}
# A copy without this platform's library fails here, naming the platforms it carries (no load).
$missing = [GitHubOidc.Native.NativeLibraryResolver]::FindMissingLibrary()
if ($missing) {
    throw "GitHubOidc: cannot load the native library ($([GitHubOidc.Native.NativeLibraryResolver]::RuntimeIdentifier)). $missing"
}
$script:GitHubOidcFormatPath = [System.IO.Path]::Combine($PSScriptRoot, 'GitHubOidc.format.ps1xml')
$script:GitHubOidcFormatLoaded = $false
# The commands' blocks by command name; set by GitHubOidc.Implementation.ps1.
$script:GitHubOidcBody = $null

function Import-GitHubOidcImplementation {
    <#
        .SYNOPSIS
        Checks the native library and reads GitHubOidc.Implementation.ps1 (once).
    #>
    [CmdletBinding()]
    param()
    try {
        $null = [GitHubOidc.Native.Interop]::ghoidc_api_guard()
    } catch {
        $reason = $_.Exception
        while ($reason.InnerException) {
            $reason = $reason.InnerException
        }
        throw "GitHubOidc: cannot load the native library ($([GitHubOidc.Native.NativeLibraryResolver]::RuntimeIdentifier)). $($reason.Message)"
    }
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
