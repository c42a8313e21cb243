#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Tab completion of -IncludeClaimKeys through the real completion engine (CommandCompletion).

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:savedEnvironment = @{}
    foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN', 'PATH') {
        $script:savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $script:line = "Set-GitHubOidcSubjectClaim -Owner octo-org -Context @{ IssuerUri = '$($script:fake.BaseUrl)' } -IncludeClaimKeys"
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
    foreach ($name in $script:savedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $script:savedEnvironment[$name])
    }
}

Describe 'Argument completion of -IncludeClaimKeys' {
    BeforeEach {
        Clear-GitHubOidcTestEnvironment
        Reset-FakeGitHub -Fake $script:fake
        $null = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.ClearCacheRequest]::new())
    }

    It 'completes a prefix from the discovery document of the typed -Context' {
        $matches_ = Complete "$script:line repository_o"
        $matches_.CompletionText | Should -Be @('repository_owner', 'repository_owner_id')
        $matches_ | ForEach-Object { $_.ResultType | Should -Be 'ParameterValue' }
        $matches_[0].ToolTip | Should -Match 'discovery'
        @(Get-FakeRequests -Fake $script:fake -PathLike '*/.well-known/openid-configuration').Count | Should -Be 1
    }

    It 'matches case-insensitively and offers repo and context' {
        (Complete "$script:line REPO").CompletionText | Should -Contain 'repo'
        (Complete "$script:line con").CompletionText | Should -Be @('context')
    }

    It 'offers every key for an empty word' {
        $all = (Complete "$script:line ").CompletionText
        $all | Should -Contain 'repo'
        $all | Should -Contain 'context'
        $all | Should -Contain 'job_workflow_ref'
        $all.Count | Should -BeGreaterThan 20
    }

    It 'skips keys already typed in the same array' {
        $completions = (Complete "$script:line repo, repository_owner_id, repo").CompletionText
        $completions | Should -Not -Contain 'repo'
        $completions | Should -Not -Contain 'repository_owner_id'
        $completions | Should -Contain 'repository'
        $completions | Should -Contain 'repository_owner'
    }

    It 'answers the second Tab from the cache (no new discovery request)' {
        $null = Complete "$script:line rep"
        $null = Complete "$script:line job"
        $null = Complete "$script:line env"
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 1
    }

    It 'falls back to the built-in list when discovery cannot be reached, quickly, without throwing' {
        $line = "Set-GitHubOidcSubjectClaim -Owner o -Context @{ IssuerUri = '$(Get-ClosedPortUrl)' } -IncludeClaimKeys repository_"
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $first = Complete $line
        $second = Complete $line
        $watch.Stop()
        $first.CompletionText | Should -Contain 'repository_owner_id'
        $first[0].ToolTip | Should -Match 'built-in'
        $second.CompletionText | Should -Be $first.CompletionText
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'uses the default context (GH_HOST) when no -Context is typed, and never looks up a token' {
        # No gh, no token: completion must still answer (built-in list, the host is unreachable offline or not).
        $env:PATH = [System.IO.Path]::GetTempPath()
        try {
            $env:GH_HOST = 'github.invalid'
            $completions = (Complete 'Set-GitHubOidcSubjectClaim -Owner o -IncludeClaimKeys repository_owner').CompletionText
        } finally {
            $env:PATH = $script:savedEnvironment['PATH']
        }
        $completions | Should -Contain 'repository_owner_id'
    }

    It 'does not send the typed token anywhere' {
        $line = "Set-GitHubOidcSubjectClaim -Context @{ IssuerUri = '$($script:fake.BaseUrl)'; Token = 'test-admin-token' } -IncludeClaimKeys rep"
        (Complete $line).CompletionText | Should -Contain 'repository'
        (Get-FakeRequests -Fake $script:fake)[0].headers.PSObject.Properties.Name | Should -Not -Contain 'authorization'
    }

    It 'offers no claim key for an invalid context, sends nothing, and the next Tab still completes' {
        $invalid = @(Complete "Set-GitHubOidcSubjectClaim -Context @{ ApiBaseUri = 'not a url' } -IncludeClaimKeys rep")
        # No suggestion of the completer (the engine may still offer file names: not ParameterValue).
        @($invalid | Where-Object ResultType -EQ 'ParameterValue') | Should -HaveCount 0
        $invalid.CompletionText | Should -Not -Contain 'repository'
        @(Get-FakeRequests -Fake $script:fake) | Should -HaveCount 0
        (Complete "$script:line rep").CompletionText | Should -Contain 'repository'
    }

    It 'is registered for Resolve-GitHubOidcSubject as well' {
        (Complete "Resolve-GitHubOidcSubject -Context @{ IssuerUri = '$($script:fake.BaseUrl)' } -IncludeClaimKeys job_workflow_r").CompletionText |
            Should -Be @('job_workflow_ref')
    }
}
