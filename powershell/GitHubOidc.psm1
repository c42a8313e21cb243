# GitHubOidc: the script layer only loads. It loads the managed facade (bin/GitHubOidc.Native.dll),
# which finds the native Rust library (runtimes/<rid>/native/), then dot-sources the functions.
# Rules for this layer: see README.md in this folder (no HTTP, JSON or URL building here).
#
# Import is kept cheap (issue 10: Import-Module as the first command of a fresh pwsh <= 150 ms):
# - the assembly is loaded with Assembly.LoadFrom, not Add-Type (which autoloads
#   Microsoft.PowerShell.Utility's Add-Type machinery);
# - the native check is ghoidc_api_guard (loads the library and compares the API hash), not a
#   JSON call: System.Text.Json's first use costs more than the rest of the import;
# - the format views (GitHubOidc.format.ps1xml) are registered when a command of the module first
#   calls the native library (Invoke-GitHubOidcNative), not at import: registering format data
#   makes PowerShell load its whole built-in format database, which the session's first
#   formatted output loads anyway.

$assemblyPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'GitHubOidc.Native.dll')
if (-not ('GitHubOidc.Native.NativeClient' -as [type])) {
    if (-not [System.IO.File]::Exists($assemblyPath)) {
        throw ("GitHubOidc: the managed assembly '$assemblyPath' was not found. " +
            'Build the module with ./build.ps1 (needs Rust and the .NET SDK) and import output/GitHubOidc.')
    }
    $null = [System.Reflection.Assembly]::LoadFrom($assemblyPath)
}

# One cheap native call, so a missing or mismatched native library fails here with a clear
# message instead of at first use (the interop's static constructor compares the API hash).
try {
    $null = [GitHubOidc.Native.Interop]::ghoidc_api_guard()
} catch {
    $reason = $_.Exception
    while ($reason.InnerException) {
        $reason = $reason.InnerException
    }
    throw "GitHubOidc: cannot load the native library ($([GitHubOidc.Native.NativeLibraryResolver]::RuntimeIdentifier)). $($reason.Message)"
}

# Registered by Invoke-GitHubOidcNative on the module's first native call (see above).
$script:GitHubOidcFormatPath = [System.IO.Path]::Combine($PSScriptRoot, 'GitHubOidc.format.ps1xml')
$script:GitHubOidcFormatLoaded = $false

foreach ($folder in 'Private', 'Public') {
    $path = [System.IO.Path]::Combine($PSScriptRoot, $folder)
    if ([System.IO.Directory]::Exists($path)) {
        $files = [System.IO.Directory]::GetFiles($path, '*.ps1')
        [System.Array]::Sort($files, [System.StringComparer]::Ordinal)
        foreach ($file in $files) {
            . $file
        }
    }
}

$completers = [System.IO.Path]::Combine($PSScriptRoot, 'completers.ps1')
if ([System.IO.File]::Exists($completers)) {
    . $completers
}
