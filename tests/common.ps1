# Shared helpers for the Pester tests. Dot-source from BeforeAll:  . "$PSScriptRoot/common.ps1"
# The tests run against the BUILT module (output/GitHubOidc, or $env:GITHUBOIDC_MODULE_PATH)
# and the fake GitHub server binary (target/release/fake_github, or $env:GITHUBOIDC_FAKE_SERVER).

$ErrorActionPreference = 'Stop'
$script:RepoRoot = Split-Path -Parent $PSScriptRoot

function Get-TestModulePath {
    if ($env:GITHUBOIDC_MODULE_PATH) { return $env:GITHUBOIDC_MODULE_PATH }
    Join-Path $script:RepoRoot 'output/GitHubOidc'
}

function Import-TestModule {
    $path = Get-TestModulePath
    if (-not (Test-Path -LiteralPath (Join-Path $path 'GitHubOidc.psd1'))) {
        throw "The built module was not found at '$path'. Run ./build.ps1 first, or set GITHUBOIDC_MODULE_PATH."
    }
    Import-Module $path -Force -ErrorAction Stop
    # Import runs no .NET code (issue 10) and a command reads only its own implementation on its
    # first call (issue 20); the tests use the facade's types (GitHubOidc.Native.*) and mock
    # private functions right away, so load every unit now.
    & (Get-Module GitHubOidc) { Import-GitHubOidcImplementation }
}

function Get-WorkspaceVersion {
    <# The project's one version, [workspace.package] version in Cargo.toml, read here on its own to check what the build wrote. #>
    $text = Get-Content (Join-Path $script:RepoRoot 'Cargo.toml') -Raw
    if ($text -notmatch '(?ms)^\[workspace\.package\][^\[]*?^version\s*=\s*"([^"]+)"') { throw 'Cargo.toml has no [workspace.package] version.' }
    $Matches[1]
}

function Get-NativeLibraryVersion {
    <# The version the loaded native library reports. #>
    [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.VersionRequest]::new()).Value['version']
}

# Get-ChildPwshCommand and Invoke-Pwsh (a child pwsh of the PowerShell that runs the tests), shared with build.ps1.
. (Join-Path $script:RepoRoot 'tools/ChildPwsh.ps1')

function Get-FakeServerPath {
    if ($env:GITHUBOIDC_FAKE_SERVER) { return $env:GITHUBOIDC_FAKE_SERVER }
    $name = if ($IsWindows) { 'fake_github.exe' } else { 'fake_github' }
    foreach ($profileName in 'release', 'debug') {
        $candidate = Join-Path $script:RepoRoot "target/$profileName/$name"
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    throw "The fake GitHub server was not found under target/release or target/debug. Run 'cargo build --release -p fake_github', or set GITHUBOIDC_FAKE_SERVER."
}

function Start-FakeGitHub {
    <# Starts the fake server on a free port and returns an object with BaseUrl and Process. #>
    $info = [System.Diagnostics.ProcessStartInfo]::new((Get-FakeServerPath))
    foreach ($argument in '--port', '0', '--exit-on-stdin-eof') { $info.ArgumentList.Add($argument) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $readLine = $process.StandardOutput.ReadLineAsync()
    if (-not $readLine.Wait(15000)) {
        $process.Kill()
        throw 'The fake GitHub server did not report its address within 15 seconds.'
    }
    $line = $readLine.Result
    if ($line -notmatch 'listening on (http://\S+)') {
        $stderr = if ($process.HasExited) { $process.StandardError.ReadToEnd() }
        throw "Unexpected first line from the fake GitHub server: '$line' $stderr"
    }
    $fake = [pscustomobject]@{
        PSTypeName = 'GitHubOidc.Tests.FakeGitHub'
        BaseUrl    = $Matches[1].TrimEnd('/')
        Process    = $process
    }
    $fake | Add-Member -MemberType ScriptMethod -Name Context -Value {
        param([string] $Token = 'test-admin-token')
        @{ HostName = 'github.com'; ApiBaseUri = $this.BaseUrl; IssuerUri = $this.BaseUrl; Token = $Token; MaxRetryWaitSec = 2 }
    }
    $fake | Add-Member -MemberType ScriptMethod -Name Requests -Value { Get-FakeRequests -Fake $this }
    $fake | Add-Member -MemberType ScriptMethod -Name Reset -Value { Reset-FakeGitHub -Fake $this }
    $fake
}

function Stop-FakeGitHub {
    param([Parameter(Mandatory)] $Fake)
    if (-not $Fake -or -not $Fake.Process) { return }
    $process = $Fake.Process
    try {
        # --exit-on-stdin-eof: closing stdin asks the server to stop.
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(5000)) { $process.Kill() }
    } catch {
        if (-not $process.HasExited) { $process.Kill() }
    }
    $process.Dispose()
}

function Get-FakeRequests {
    <# The request log (control requests are not logged). Filter with -Method / -PathLike. #>
    param([Parameter(Mandatory)] $Fake, [string] $Method, [string] $PathLike)
    $log = Invoke-RestMethod -Uri "$($Fake.BaseUrl)/_fake/requests" -Method Get
    @($log) | Where-Object {
        (-not $Method -or $_.method -eq $Method) -and (-not $PathLike -or $_.path -like $PathLike)
    }
}

function Stop-TestPipeline {
    <#
    Stops a running [powershell] as Ctrl+C does and asserts: the stop returns within a second, the
    invocation is complete, and the fake receives no request later than 50 ms after the stop
    (checked 700 ms later).
    #>
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] [powershell] $PowerShell, [Parameter(Mandatory)] [System.IAsyncResult] $Async)
    $stopMs = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $PowerShell.Stop()
    $watch.Stop()
    $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
    $Async.IsCompleted | Should -BeTrue
    Start-Sleep -Milliseconds 700
    $late = @(Get-FakeRequests -Fake $Fake | Where-Object { $_.received_ms -gt $stopMs + 50 })
    $late | Should -HaveCount 0 -Because 'no request starts after the stop'
}

function Clear-FakeRequests {
    param([Parameter(Mandatory)] $Fake)
    $null = Invoke-RestMethod -Uri "$($Fake.BaseUrl)/_fake/requests" -Method Delete
}

function Reset-FakeGitHub {
    <# Seed state, empty request log, no faults. #>
    param([Parameter(Mandatory)] $Fake)
    $null = Invoke-RestMethod -Uri "$($Fake.BaseUrl)/_fake/reset" -Method Post
}

function Add-FakeFault {
    <# Faults: hashtables with method, path_prefix, status, times, delay_ms, retry_after, headers, body. #>
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] [object[]] $Fault)
    $json = ConvertTo-Json -InputObject @($Fault) -Depth 5
    $null = Invoke-RestMethod -Uri "$($Fake.BaseUrl)/_fake/faults" -Method Post -Body $json -ContentType 'application/json'
}

function New-FakeOrg {
    <# Generates an owner's repositories on the fake (POST /_fake/orgs; fields in crates/fake_github/README.md); its answer (org, id, count, names). #>
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory, Position = 0)] [hashtable] $Spec)
    $json = ConvertTo-Json -InputObject $Spec -Depth 5
    Invoke-RestMethod -Uri "$($Fake.BaseUrl)/_fake/orgs" -Method Post -Body $json -ContentType 'application/json'
}

function Get-ClosedPortUrl {
    <# An http URL on 127.0.0.1 where nothing listens. #>
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    "http://127.0.0.1:$port"
}

function Complete {
    <# Completion through the real engine (as on Tab). #>
    param([Parameter(Mandatory)] [string] $Line)
    [System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null).CompletionMatches
}

function Clear-GitHubOidcTestEnvironment {
    <# Environment variables that change context resolution, cleared so tests do not depend on the machine. #>
    foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN') {
        Remove-Item -Path "Env:$name" -ErrorAction Ignore
    }
}
