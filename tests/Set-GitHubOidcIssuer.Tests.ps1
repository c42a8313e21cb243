#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Set-GitHubOidcIssuer against the fake GitHub: the PUT body, -WhatIf, errors, help.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Set-GitHubOidcIssuer' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'sends {"include_enterprise_slug":true} to the enterprise issuer endpoint' {
        Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $true -Context $script:fake.Context() -Confirm:$false -WarningAction SilentlyContinue
        $put = @(Get-FakeRequests -Fake $script:fake -Method PUT)
        $put.Count | Should -Be 1
        $put[0].path | Should -Be '/enterprises/octocat-inc/actions/oidc/customization/issuer'
        $put[0].raw_body | Should -BeExactly '{"include_enterprise_slug":true}'
        $put[0].headers.authorization | Should -Be 'Bearer test-admin-token'
    }

    It 'sends false, and -PassThru returns the resulting issuer' {
        $r = Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $false -Context $script:fake.Context() -Confirm:$false -PassThru
        $r.PSObject.TypeNames | Should -Contain 'GitHubOidc.Issuer'
        $r.IncludeEnterpriseSlug | Should -BeFalse
        $r.Issuer | Should -Be $script:fake.BaseUrl
        (Get-FakeRequests -Fake $script:fake -Method PUT)[0].raw_body | Should -BeExactly '{"include_enterprise_slug":false}'

        $r = Set-GitHubOidcIssuer octocat-inc $true -Context $script:fake.Context() -Confirm:$false -PassThru -WarningVariable w -WarningAction SilentlyContinue
        $r.Issuer | Should -Be "$($script:fake.BaseUrl)/octocat-inc"
        "$w" | Should -Match 'reject'
    }

    It '-WhatIf sends nothing' {
        Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $true -Context $script:fake.Context() -WhatIf
        @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
    }

    It 'an unknown enterprise is NotFound' {
        { Set-GitHubOidcIssuer -Enterprise nope -IncludeEnterpriseSlug $true -Context $script:fake.Context() -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.NotFound*'
    }

    It 'a read-only token is Forbidden and the error names admin:enterprise' {
        $err = $null
        Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $true -Context $script:fake.Context('test-read-token') -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[-1].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Forbidden*'
        "$($err[-1])" | Should -Match 'admin:enterprise'
        "$($err[-1])" | Should -Not -Match 'test-read-token'
    }

    It 'rejects a bad slug before any request' {
        { Set-GitHubOidcIssuer -Enterprise '../x' -IncludeEnterpriseSlug $true -Context $script:fake.Context() -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
    }

    It 'has ConfirmImpact High and help that explains the trade-off' {
        $help = Get-Help Set-GitHubOidcIssuer -Full
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        $text = ($help.description | Out-String)
        $text | Should -Match 'npm'
        $text | Should -Match 'PyPI'
        $text | Should -Match '401'
        (Get-Command Set-GitHubOidcIssuer).Parameters.Keys | Should -Contain 'WhatIf'
        $binding = (Get-Command Set-GitHubOidcIssuer).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.ConfirmImpact | Should -Be 'High'
    }
}
