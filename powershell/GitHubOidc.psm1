# GitHubOidc: the script layer only loads. It loads the managed facade (bin/GitHubOidc.Native.dll),
# which finds the native Rust library (runtimes/<rid>/native/), then dot-sources the functions.
# Rules for this layer: see README.md in this folder (no HTTP, JSON or URL building here).

$assemblyPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'GitHubOidc.Native.dll')
if (-not ('GitHubOidc.Native.NativeClient' -as [type])) {
    if (-not [System.IO.File]::Exists($assemblyPath)) {
        throw ("GitHubOidc: the managed assembly '$assemblyPath' was not found. " +
            'Build the module with ./build.ps1 (needs Rust and the .NET SDK) and import output/GitHubOidc.')
    }
    Add-Type -Path $assemblyPath
}

# One cheap native call, so a missing or mismatched native library fails here with a clear
# message instead of at first use.
try {
    $version = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.VersionRequest]::new())
    if (-not $version.Ok) { throw $version.Error }
} catch {
    $reason = $_.Exception
    while ($reason.InnerException) {
        $reason = $reason.InnerException
    }
    throw "GitHubOidc: cannot load the native library ($([GitHubOidc.Native.NativeLibraryResolver]::RuntimeIdentifier)). $($reason.Message)"
}

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
